// The suites' gate on an access token fails with a code naming the rule that broke — signature,
// window, issuer, audience, sub layout — and its messages never carry the token.
import { beforeAll, expect, test } from 'vitest';
import { type TokenCheckCode, TokenCheckError } from '../../src/jwt/errors.ts';
import { type LabelledKey, parsePemKeys } from '../../src/jwt/keys.ts';
import { type VerifyOptions, verifyAccessToken } from '../../src/jwt/verify.ts';
import {
  faciliooClaims,
  forgedToken,
  hmacForgery,
  type RsaKeyPair,
  rsaKeyPair,
  signToken,
} from './support.ts';

let pair: RsaKeyPair;
let keys: LabelledKey[];
const NOW = Math.floor(Date.now() / 1000);
const ISSUER = 'ref-api.facilioo.test';
const AUDIENCE = 'ref-app.facilioo.test';

beforeAll(() => {
  pair = rsaKeyPair();
  keys = parsePemKeys(rsaKeyPair().pkcs1Pem + pair.pkcs1Pem, 'keys.pem');
});

function options(overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  return { keys, issuer: ISSUER, audience: AUDIENCE, at: new Date(NOW * 1000), ...overrides };
}

async function failure(
  token: string,
  opts: VerifyOptions,
): Promise<{ code: TokenCheckCode; message: string }> {
  const error = await verifyAccessToken(token, opts).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(TokenCheckError);
  const { code, message } = error as TokenCheckError;
  for (const part of token.split('.')) if (part.length > 8) expect(message).not.toContain(part);
  return { code, message };
}

test('a well-formed token from a configured key returns its claims with sub as an object', async () => {
  const token = await signToken(pair.privateKey, faciliooClaims({ nbf: NOW - 10, exp: NOW + 3590 }));
  const claims = await verifyAccessToken(token, options());
  expect(claims.sub).toEqual({ accountId: 2, companyId: 2 });
  expect(claims.iss).toBe(ISSUER);
});

test('a token no configured key signed fails on the signature', async () => {
  const token = await signToken(rsaKeyPair().privateKey, faciliooClaims());
  expect(await failure(token, options())).toEqual({
    code: 'signature',
    message: 'access token signature not verified: none of the 2 key(s) verified the signature',
  });
});

test('forgeries fail on the signature even when everything else is right', async () => {
  expect((await failure(forgedToken({ alg: 'none' }, faciliooClaims()), options())).code).toBe('signature');
  expect((await failure(hmacForgery(pair.pkcs1Pem, faciliooClaims()), options())).code).toBe('signature');
});

test('an empty key list fails the signature check; only null skips it', async () => {
  const token = await signToken(rsaKeyPair().privateKey, faciliooClaims());
  expect((await failure(token, options({ keys: [] }))).message).toContain('no keys given');
  expect((await verifyAccessToken(token, options({ keys: null }))).aud).toBe(AUDIENCE);
});

test('the signature is judged before the window: a forged expired token is a signature failure', async () => {
  const token = forgedToken({ alg: 'none' }, faciliooClaims({ nbf: NOW - 7200, exp: NOW - 3600 }));
  expect((await failure(token, options())).code).toBe('signature');
});

test('an expired token fails as expired, a future one as not yet valid, each within the leeway only', async () => {
  const expired = await signToken(pair.privateKey, faciliooClaims({ nbf: NOW - 3600, exp: NOW - 5 }));
  expect(await failure(expired, options())).toEqual({
    code: 'expired',
    message: 'access token is expired (exp is past)',
  });
  await expect(verifyAccessToken(expired, options({ leewaySeconds: 10 }))).resolves.toBeDefined();
  const future = await signToken(pair.privateKey, faciliooClaims({ nbf: NOW + 5, exp: NOW + 3605 }));
  expect((await failure(future, options())).code).toBe('not-yet-valid');
  await expect(verifyAccessToken(future, options({ leewaySeconds: 10 }))).resolves.toBeDefined();
});

test('a token without exp or with a non-numeric one is malformed', async () => {
  const token = await signToken(pair.privateKey, faciliooClaims({ exp: 'later' }));
  expect(await failure(token, options())).toEqual({
    code: 'malformed',
    message: 'access token has bad time claim; nbf/exp must be NumericDates',
  });
});

test('a token for another issuer or audience fails naming both values', async () => {
  const token = await signToken(
    pair.privateKey,
    faciliooClaims({ iss: 'dev-api.facilioo.de', aud: ['x', 'y'] }),
  );
  expect(await failure(token, options())).toEqual({
    code: 'issuer',
    message: `access token iss "dev-api.facilioo.de" is not the expected "${ISSUER}"`,
  });
  expect(await failure(token, options({ issuer: undefined }))).toEqual({
    code: 'audience',
    message: `access token aud (a list) does not name "${AUDIENCE}"`,
  });
});

test('an audience list that names the expected audience is accepted by the audience rule', async () => {
  const token = await signToken(pair.privateKey, faciliooClaims({ aud: ['other', AUDIENCE] }));
  // It passes the audience rule and then trips on the layout, which wants a single string.
  expect(await failure(token, options())).toEqual({
    code: 'sub-layout',
    message:
      'access token claims do not follow the documented layout: aud is an array; facilioo uses a single string',
  });
});

test('a string sub, as RFC 7519 would have it, fails the documented layout', async () => {
  const token = await signToken(pair.privateKey, faciliooClaims({ sub: '2' }));
  const { code, message } = await failure(token, options());
  expect(code).toBe('sub-layout');
  expect(message).toContain('sub is a string');
});
