// An answer's body means one thing: a non-2xx is an ApiError saying what the server said, a 2xx
// must be JSON, a token pair must have the shape the target promises, and a recovery code goes
// out typed as the target wants — each failure naming the option or field to fix.
import { describe, expect, test } from 'vitest';
import { apiResponse, parseTokenPair, recoveryCodeValue } from '../../src/client/bodies.ts';
import { ApiError, type ApiResponse, TransportError } from '../../src/client/index.ts';
import type { RawResponse } from '../../src/client/transport.ts';

const request = { method: 'POST', url: 'http://127.0.0.1:9/api/auth/refresh', route: 'refresh' as const };

function raw(status: number, text: string, headers: Record<string, string> = {}): RawResponse {
  let json: unknown;
  let jsonError = false;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    jsonError = true;
  }
  return { status, headers, text, json, jsonError, durationMs: 1, request };
}

const answer = (body: unknown): ApiResponse => ({ status: 200, headers: {}, body, request, durationMs: 1 });

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('apiResponse', () => {
  test('a 2xx JSON answer is its parsed body; an empty one is undefined', () => {
    expect(apiResponse(raw(200, '{"a":1}')).body).toEqual({ a: 1 });
    expect(apiResponse(raw(204, '')).body).toBeUndefined();
  });

  test('a non-2xx answer is an ApiError carrying the problem object', () => {
    const error = thrown(() => apiResponse(raw(401, '{"title":"Invalid credentials","status":401}')));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).problem).toMatchObject({ title: 'Invalid credentials' });
    expect((error as ApiError).bodyText).toBeUndefined();
    expect(error.message).toBe('POST /api/auth/refresh → 401 Unauthorized: Invalid credentials');
  });

  test('a non-2xx answer that is not a problem object keeps its text for the message', () => {
    const html = thrown(() => apiResponse(raw(502, '<html>Bad gateway</html>'))) as ApiError;
    expect(html.bodyText).toBe('<html>Bad gateway</html>');
    const bare = thrown(() => apiResponse(raw(400, '"email is not valid"'))) as ApiError;
    expect(bare.message).toBe('POST /api/auth/refresh → 400 Bad Request: "email is not valid"');
  });

  test('a 2xx answer that is not JSON is a malformed-response TransportError naming the content type', () => {
    const error = thrown(() => apiResponse(raw(200, '{"accessToken": eyJ', { 'content-type': 'text/html' })));
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe('malformed-response');
    expect(error.message).toContain('200 OK but the body is not valid JSON (text/html, 19 characters)');
  });
});

describe('parseTokenPair', () => {
  test('a string refreshToken is taken as is, under "string" and "either"', () => {
    for (const shape of ['string', 'either'] as const) {
      expect(parseTokenPair(answer({ accessToken: 'at-1', refreshToken: 'rt-1' }), shape)).toEqual({
        accessToken: 'at-1',
        refreshToken: 'rt-1',
      });
    }
  });

  test.each(['token', 'value', 'refreshToken'])(
    'an object refreshToken gives the string under the key %s',
    (key) => {
      const body = { accessToken: 'at-1', refreshToken: { [key]: 'rt-inner', expiresAt: '2030-01-01' } };
      expect(parseTokenPair(answer(body), 'object', key).refreshToken).toBe('rt-inner');
      expect(parseTokenPair(answer(body), 'either', key).refreshToken).toBe('rt-inner');
    },
  );

  test('the key defaults to token, and another member is no substitute', () => {
    const body = { accessToken: 'at-1', refreshToken: { token: 'rt-token', value: 'rt-value' } };
    expect(parseTokenPair(answer(body), 'object').refreshToken).toBe('rt-token');
    const error = thrown(() =>
      parseTokenPair(answer({ accessToken: 'a', refreshToken: { value: 'rt-value' } }), 'object'),
    );
    expect(error.message).toContain('without a string under "token" (its string members: "value")');
  });

  test('the other shape than the option promises names the option and the value to set', () => {
    const asObject = thrown(() =>
      parseTokenPair(answer({ accessToken: 'a', refreshToken: { token: 'r' } }), 'string'),
    );
    expect(asObject.message).toContain(
      'refreshToken is an object, but refreshTokenShape is "string" — set the option to "object"',
    );
    const asString = thrown(() => parseTokenPair(answer({ accessToken: 'a', refreshToken: 'r' }), 'object'));
    expect(asString.message).toContain(
      'refreshToken is a string, but refreshTokenShape is "object" — set the option to "string"',
    );
  });

  test.each([
    ['not an object', ['a', 'b'], 'the body is not a JSON object with accessToken and refreshToken'],
    ['a second factor asked for', { twoFactorRequired: true }, 'asks for a second factor'],
    ['no access token', { refreshToken: 'r' }, 'accessToken is not a non-empty string'],
    [
      'an empty access token',
      { accessToken: '', refreshToken: 'r' },
      'accessToken is not a non-empty string',
    ],
    ['no refresh token', { accessToken: 'a' }, 'refreshToken is missing or empty'],
    ['a number as refresh token', { accessToken: 'a', refreshToken: 7 }, 'refreshToken is missing or empty'],
    [
      'an object without a token string',
      { accessToken: 'a', refreshToken: { expiresAt: 2030 } },
      'refreshToken is an object without a string under "token"',
    ],
  ])('%s is a malformed-response TransportError saying so', (_name, body, message) => {
    const error = thrown(() => parseTokenPair(answer(body), 'either'));
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe('malformed-response');
    expect((error as TransportError).status).toBe(200);
    expect(error.message).toContain(message);
  });
});

describe('recoveryCodeValue', () => {
  test('"string" sends any code as a string, "number" as a number', () => {
    expect(recoveryCodeValue(654321, 'string')).toBe('654321');
    expect(recoveryCodeValue('012345', 'string')).toBe('012345');
    expect(recoveryCodeValue('123456', 'number')).toBe(123456);
    expect(recoveryCodeValue(123456, 'number')).toBe(123456);
  });

  test('"number" refuses a code that is not digits, without quoting it', () => {
    const error = thrown(() => recoveryCodeValue('AB12CD', 'number'));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).not.toContain('AB12CD');
  });
});
