/**
 * What the client makes of an answer's body, and what it puts in a request body where the spec
 * leaves the type OPEN: non-2xx answers become ApiErrors, 2xx bodies must be JSON, a token pair
 * must have the shape the target option promises, and a recovery code goes out as the option
 * says. Pure functions: no I/O, so every rule here is tested without a server.
 */
import { isObject } from '../json.ts';
import { DEFAULT_OPTIONS, type TargetOptions } from '../target/types.ts';
import { ApiError, type FailedRequest, TransportError } from './errors.ts';
import type { TokenPair } from './token-store.ts';
import type { RawResponse } from './transport.ts';

export interface ApiResponse<T = unknown> {
  status: number;
  /** Response headers as received (not redacted: they are the caller's). */
  headers: Record<string, string | string[]>;
  /** Parsed JSON body; undefined when the body was empty. */
  body: T;
  request: FailedRequest;
  durationMs: number;
}

/** A 2xx answer with a JSON (or empty) body; anything else throws the error that explains it. */
export function apiResponse(raw: RawResponse): ApiResponse {
  if (raw.status < 200 || raw.status > 299) {
    throw new ApiError({
      request: raw.request,
      status: raw.status,
      problem: raw.json,
      headers: raw.headers,
      // Not a problem object (HTML from a proxy, a bare string): keep the text for the message.
      ...(raw.jsonError || (raw.text.trim() !== '' && !isObject(raw.json)) ? { bodyText: raw.text } : {}),
    });
  }
  if (raw.jsonError) {
    throw new TransportError({
      request: raw.request,
      kind: 'malformed-response',
      status: raw.status,
      what: `the body is not valid JSON (${raw.headers['content-type'] ?? 'no content-type'}, ${raw.text.length} characters)`,
    });
  }
  return {
    status: raw.status,
    headers: raw.headers,
    body: raw.json,
    request: raw.request,
    durationMs: raw.durationMs,
  };
}

/**
 * The token pair of a login or refresh answer. `shape` is the target's `refreshTokenShape`
 * (refresh answers) or `either` (login answers may use both); an object carries the string under
 * `key` (the target's `refreshTokenKey`). The string is what goes back.
 */
export function parseTokenPair(
  response: ApiResponse,
  shape: TargetOptions['refreshTokenShape'] | 'either',
  key: string = DEFAULT_OPTIONS.refreshTokenKey,
): TokenPair {
  const fail = (what: string) =>
    new TransportError({
      request: response.request,
      kind: 'malformed-response',
      status: response.status,
      what,
    });
  const body = response.body;
  if (!isObject(body)) throw fail('the body is not a JSON object with accessToken and refreshToken');
  if (body.twoFactorRequired === true && body.accessToken === undefined) {
    throw fail('the login asks for a second factor (twoFactorRequired); use an account without MFA');
  }
  const { accessToken, refreshToken } = body;
  if (typeof accessToken !== 'string' || accessToken === '')
    throw fail('accessToken is not a non-empty string');
  const other = { string: 'object', object: 'string' } as const;
  const actual = typeof refreshToken === 'string' ? 'string' : isObject(refreshToken) ? 'object' : undefined;
  if (actual !== undefined && shape === other[actual]) {
    throw fail(
      `refreshToken is ${actual === 'object' ? 'an' : 'a'} ${actual}, but refreshTokenShape is "${shape}" — set the option to "${actual}"`,
    );
  }
  let token: unknown = refreshToken;
  if (isObject(refreshToken)) {
    token = refreshToken[key];
    if (typeof token !== 'string') {
      const members = Object.keys(refreshToken).filter((name) => typeof refreshToken[name] === 'string');
      throw fail(
        `refreshToken is an object without a string under "${key}"${members.length > 0 ? ` (its string members: ${members.map((name) => `"${name}"`).join(', ')}) — set options.refreshTokenKey` : ''}`,
      );
    }
  }
  if (typeof token !== 'string' || token === '') throw fail('refreshToken is missing or empty');
  return { accessToken, refreshToken: token };
}

/** The recovery code as the target's `recoveryCodeType` wants it on the wire. */
export function recoveryCodeValue(
  code: string | number,
  type: TargetOptions['recoveryCodeType'],
): string | number {
  if (type === 'string') return String(code);
  if (typeof code === 'number') return code;
  // The code itself must not appear in the message.
  if (!/^\d{1,9}$/.test(code))
    throw new TypeError('recoveryCodeType is "number" but the recovery code is not digits');
  return Number(code);
}
