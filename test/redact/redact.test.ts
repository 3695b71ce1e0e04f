// No part of a password, token or recovery code survives redaction, while the shape of what was redacted does.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  isSensitiveKey,
  REDACTED,
  REDACTED_JWT,
  redactHeaders,
  redactText,
  redactValue,
  registerSecret,
  registerSecretsIn,
} from '../../src/redact/index.ts';

const SEED_TOKEN =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYmYiOjE2NTE3NjAyNDIsImV4cCI6MTY1MTc2Mzg0MiwiaXNzIjoiZGV2LWFwaS5mYWNpbGlvby5kZSIsImF1ZCI6ImRldi1hcHAuZmFjaWxpb28uZGUiLCJzdWIiOnsiYWNjb3VudElkIjoyLCJjb21wYW55SWQiOjJ9fQ.KJPsiOzcu8SHXU_GhGz5qS6cg-moXAC83WOLI8J9vFLgk5k0MdkxR8S88Ri0BJuCmifFtHpbR7bH4tKxeF8-pW_wU08uQ_MJxJqcK9MOjyVITsLzok7RJxqevv0SjPZkgqqxGwgGbcgsYJaG2u44RYnnyf5xPce9MKQcfHa23C';

/** Fails when any 8-character window of the secret appears in the output. */
function expectNoTrace(output: string, secret: string): void {
  for (let start = 0; start + 8 <= secret.length; start++) {
    const window = secret.slice(start, start + 8);
    if (window === 'eyJhbGci') continue; // the constant JWT header prefix, shared by every RS256 token
    expect(output, `a piece of the secret (${start}..${start + 8}) survived`).not.toContain(window);
  }
}

describe('redactValue', () => {
  test('masks sensitive keys in any case, snake or kebab spelling, at any depth', () => {
    const input = {
      email: 'pm@example.test',
      Password: 'hunter2-hunter2',
      new_password: 'n3w-hunter2',
      'refresh-token': 'opaque-refresh-value',
      nested: [{ accessToken: SEED_TOKEN, recoveryCode: 123456, code: '654321', apiKey: 'k-123456789' }],
      headers: { Authorization: 'Bearer abcdefgh12345', 'Set-Cookie': 'sid=s3cr3t' },
      statusCode: 401,
    };

    const out = redactValue(input) as typeof input;

    expect(out).toEqual({
      email: 'pm@example.test',
      Password: REDACTED,
      new_password: REDACTED,
      'refresh-token': REDACTED,
      nested: [{ accessToken: REDACTED_JWT, recoveryCode: REDACTED, code: REDACTED, apiKey: REDACTED }],
      headers: { Authorization: REDACTED, 'Set-Cookie': REDACTED },
      statusCode: 401,
    });
  });

  test('keeps the shape of an object-shaped refresh token but masks every leaf', () => {
    const out = redactValue({
      refreshToken: { token: 'opaque-refresh-value', expiresAt: '2030-01-01', used: false },
    });

    expect(out).toEqual({ refreshToken: { token: REDACTED, expiresAt: REDACTED, used: false } });
  });

  test('does not mutate its input and survives cycles', () => {
    const input: Record<string, unknown> = { password: 'hunter2-hunter2' };
    input.self = input;

    const out = redactValue(input) as Record<string, unknown>;

    expect(input.password).toBe('hunter2-hunter2');
    expect(out.password).toBe(REDACTED);
    expect(out.self).toBe('[Circular]');
  });

  test('masks tokens in free text under innocent keys', () => {
    const out = redactValue({ detail: `token ${SEED_TOKEN} is expired` }) as { detail: string };

    expect(out.detail).toBe(`token ${REDACTED_JWT} is expired`);
  });

  test('only sensitive key names count: statusCode, tokenType and email are kept', () => {
    expect(['statusCode', 'tokenType', 'email', 'refreshTokenShape', 'title'].filter(isSensitiveKey)).toEqual(
      [],
    );
    expect(
      ['ID_TOKEN', 'x-api-key', 'client_secret', 'oldPassword', 'twoFactorCode'].every(isSensitiveKey),
    ).toBe(true);
  });
});

describe('redactText', () => {
  test('masks a JWT, keeping only the constant "eyJ" marker', () => {
    const out = redactText(`got ${SEED_TOKEN} from the server`);

    expect(out).toBe(`got ${REDACTED_JWT} from the server`);
    expectNoTrace(out, SEED_TOKEN);
  });

  test('masks a JWT cut off mid-payload (a truncated log line)', () => {
    const truncated = SEED_TOKEN.slice(0, 60);

    const out = redactText(`…${truncated}`);

    expectNoTrace(out, truncated);
  });

  test('masks Bearer and Basic credentials in prose, keeping the scheme', () => {
    expect(redactText('sent Bearer abc123def456ghi')).toBe(`sent Bearer ${REDACTED}`);
    expect(redactText('sent bearer opaqueopaqueopaqueopaque')).toBe(`sent bearer ${REDACTED}`);
    expect(redactText('sent Bearer Ab1cD2eF3 and Basic dXNlcjpwYXNz')).toBe(
      `sent Bearer ${REDACTED} and Basic ${REDACTED}`,
    );
    expect(redactText('{"h":"Basic dXNlcjpwYXNzd29yZA=="}')).toBe(`{"h":"Basic ${REDACTED}"}`);
  });

  test('masks header lines in dumps, whatever the credential looks like', () => {
    expect(redactText('Authorization: Bearer short\nCookie: sid=abc; theme=dark\nAccept: */*')).toBe(
      `Authorization: Bearer ${REDACTED}\nCookie: ${REDACTED}\nAccept: */*`,
    );
  });

  test('leaves auth-scheme words in prose and challenges readable', () => {
    const text =
      'run basic checks; send it as the bearer credential; WWW-Authenticate: Bearer error="invalid_token"';

    expect(redactText(text)).toBe(text);
  });

  test('masks JSON pairs with sensitive keys in raw text, strings, numbers and unterminated strings', () => {
    const raw = '{"email":"a@b.test","password":"p\\"w-1234","recoveryCode":123456,"refresh_token":"abc';

    const out = redactText(raw);

    expect(out).toBe(
      `{"email":"a@b.test","password":"${REDACTED}","recoveryCode":"${REDACTED}","refresh_token":"${REDACTED}"`,
    );
  });

  test('masks key=value pairs in query strings and form bodies', () => {
    expect(redactText('/cb?code=987654&state=xyz&access_token=abcd1234')).toBe(
      `/cb?code=${REDACTED}&state=xyz&access_token=${REDACTED}`,
    );
  });

  test('masks a registered recovery code in prose, which no pattern could tell from a number', () => {
    registerSecret('481516');

    expect(redactText('your code is 481516, valid 15 minutes; order 123456')).toBe(
      `your code is ${REDACTED}, valid 15 minutes; order 123456`,
    );
  });

  test('masks registered secrets in their JSON-escaped and URL-encoded spellings', () => {
    const password = 'p@ss "w/ord" 42!';
    registerSecret(password);

    expect(redactText(`login with ${password}`)).toBe(`login with ${REDACTED}`);
    expect(redactText(`body ${JSON.stringify(password)}`)).toBe(`body "${REDACTED}"`);
    expect(redactText(`?p=${encodeURIComponent(password)}`)).toBe(`?p=${REDACTED}`);
  });

  test('registerSecretsIn registers every string below a sensitive key and numbers only directly under one', () => {
    registerSecretsIn({
      email: 'someone@example.test',
      password: 'Body-Passw0rd-1',
      change: [{ recoveryCode: 770312 }],
      refreshToken: { value: 'Nested-Refresh-2', expiresAt: 'Nested-Expiry-3', expiresIn: 86400 },
    });

    expect(redactText('Body-Passw0rd-1 770312 Nested-Refresh-2 Nested-Expiry-3')).toBe(
      Array(4).fill(REDACTED).join(' '),
    );
    expect(redactText('someone@example.test 86400')).toBe('someone@example.test 86400');
  });

  test('ignores registered values shorter than four characters', () => {
    registerSecret('abc');

    expect(redactText('abc abc')).toBe('abc abc');
  });

  test('leaves host names, paths and ordinary sentences alone', () => {
    const text = 'POST https://dev-api.facilioo.de/api/auth/refresh → 401 Unauthorized: refresh token spent';

    expect(redactText(text)).toBe(text);
  });

  test('property: no 8-character piece of a registered secret survives, wherever it sits in the text', () => {
    const secretArb = fc.stringMatching(/^[A-Za-z0-9!#%*+/=?@_~-]{8,40}$/);
    const fillerArb = fc.stringMatching(/^[ .,:;"'(){}[\]\n]{0,20}$/);
    fc.assert(
      fc.property(
        secretArb,
        fillerArb,
        fillerArb,
        fc.integer({ min: 1, max: 3 }),
        (secret, before, after, times) => {
          registerSecret(secret);
          const text = Array.from({ length: times }, () => `${before}${secret}${after}`).join(' ');
          expectNoTrace(redactText(text), secret);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('redactHeaders', () => {
  test('masks credentials, keeps the auth scheme and cookie attributes, lower-cases names', () => {
    const out = redactHeaders({
      Authorization: `Bearer ${SEED_TOKEN}`,
      'Set-Cookie': ['sid=abc123secret; Path=/; HttpOnly; Secure', 'csrf=zzz999yyy; SameSite=Strict'],
      Cookie: 'sid=abc123secret',
      'X-Api-Key': 'k-1234567890',
      'Content-Type': 'application/json',
      'Retry-After': 30,
      Missing: undefined,
    });

    expect(out).toEqual({
      authorization: `Bearer ${REDACTED}`,
      'set-cookie': [`sid=${REDACTED}; Path=/; HttpOnly; Secure`, `csrf=${REDACTED}; SameSite=Strict`],
      cookie: REDACTED,
      'x-api-key': REDACTED,
      'content-type': 'application/json',
      'retry-after': '30',
    });
    expectNoTrace(JSON.stringify(out), SEED_TOKEN);
  });

  test('accepts a Fetch Headers object and entry lists', () => {
    expect(redactHeaders(new Headers({ authorization: 'Basic dXNlcjpwYXNz' }))).toEqual({
      authorization: `Basic ${REDACTED}`,
    });
    expect(redactHeaders([['Authorization', 'Bearer xyz12345']])).toEqual({
      authorization: `Bearer ${REDACTED}`,
    });
  });
});
