// A signature is verified by trying every key (facilioo tokens carry no kid), the key that
// verified is named, and no forgery — unsigned, HMAC keyed with the public key, tampered — passes.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type LabelledKey, loadKeys, parsePemKeys } from '../../src/jwt/keys.ts';
import { checkSignature, verifySignature } from '../../src/jwt/signature.ts';
import {
  b64url,
  faciliooClaims,
  forgedToken,
  hmacForgery,
  json,
  type RsaKeyPair,
  rsaKeyPair,
  SEED_KEY_FILES,
  SEED_TOKEN_FILE,
  signToken,
  startServer,
  tempDir,
} from './support.ts';

let pairs: RsaKeyPair[];
let keys: LabelledKey[];
let files: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  pairs = [rsaKeyPair(), rsaKeyPair(), rsaKeyPair()];
  files = await tempDir();
  // Mixed encodings on purpose: facilioo publishes PKCS#1, other issuers SPKI.
  keys = await loadKeys([
    await files.write('a.pem', pairs[0]!.pkcs1Pem),
    await files.write('b.pem', pairs[1]!.spkiPem),
    await files.write('c.pem', pairs[2]!.pkcs1Pem),
  ]);
});
afterAll(() => files.remove());

test("none of the three keys printed in the seed verifies the seed's example token", async () => {
  const token = (await readFile(SEED_TOKEN_FILE, 'utf8')).trim();
  const check = await checkSignature(token, await loadKeys(SEED_KEY_FILES));
  expect(check).toEqual({
    verifiedBy: null,
    triedKeys: 3,
    reason: 'none of the 3 key(s) verified the signature',
  });
});

test('the key that verified is reported when it is the second of three', async () => {
  const token = await signToken(pairs[1]!.privateKey, faciliooClaims());
  expect(await checkSignature(token, keys)).toEqual({ verifiedBy: `${files.dir}/b.pem#1`, triedKeys: 3 });
});

test('each key verifies only its own tokens, whether loaded from PKCS#1 or SPKI', async () => {
  for (const [index, pair] of pairs.entries()) {
    const token = await signToken(pair.privateKey, faciliooClaims());
    expect(await verifySignature(token, keys)).toBe(keys[index]?.label);
  }
});

test('every RSA algorithm is accepted: RS256/384/512 and PS256/384/512', async () => {
  for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']) {
    const token = await signToken(pairs[2]!.privateKey, faciliooClaims(), alg);
    expect(await verifySignature(token, keys), alg).toBe(`${files.dir}/c.pem#1`);
  }
});

test('a token signed by a key not in the set is not verified', async () => {
  const stranger = rsaKeyPair();
  const token = await signToken(stranger.privateKey, faciliooClaims());
  expect(await checkSignature(token, keys)).toEqual({
    verifiedBy: null,
    triedKeys: 3,
    reason: 'none of the 3 key(s) verified the signature',
  });
});

test('a tampered payload is not verified', async () => {
  const token = await signToken(pairs[0]!.privateKey, faciliooClaims());
  const [header, , signature] = token.split('.');
  const tampered = `${header}.${b64url(faciliooClaims({ sub: { accountId: 1, companyId: 1 } }))}.${signature}`;
  expect(await verifySignature(token, keys)).not.toBeNull();
  expect(await verifySignature(tampered, keys)).toBeNull();
});

test('an unsigned token (alg none, any spelling) is never verified and says why', async () => {
  for (const alg of ['none', 'None', 'NONE']) {
    const check = await checkSignature(forgedToken({ alg, typ: 'JWT' }, faciliooClaims()), keys);
    expect(check).toEqual({
      verifiedBy: null,
      triedKeys: 0,
      reason: `alg "${alg}": an unsigned token is never accepted`,
    });
  }
  const noAlg = await checkSignature(forgedToken({ typ: 'JWT' }, faciliooClaims()), keys);
  expect(noAlg.reason).toContain('no "alg"');
});

test('an HMAC token keyed with the public key text (PKCS#1 or SPKI) is never verified', async () => {
  for (const secret of [pairs[0]!.pkcs1Pem, pairs[1]!.spkiPem]) {
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      const check = await checkSignature(hmacForgery(secret, faciliooClaims(), alg), keys);
      expect(check.verifiedBy).toBeNull();
      expect(check.triedKeys).toBe(0);
      expect(check.reason).toContain(`alg "${alg}" is an HMAC algorithm`);
    }
  }
});

test('a non-RSA algorithm is refused before any key is tried', async () => {
  const check = await checkSignature(forgedToken({ alg: 'ES256' }, faciliooClaims(), 'AAAA'), keys);
  expect(check).toMatchObject({ verifiedBy: null, triedKeys: 0 });
  expect(check.reason).toContain('alg "ES256" is not accepted');
});

test('with no keys nothing is verified and the reason says so', async () => {
  const token = await signToken(pairs[0]!.privateKey, faciliooClaims());
  expect(await checkSignature(token, [])).toEqual({
    verifiedBy: null,
    triedKeys: 0,
    reason: 'no keys given',
  });
});

test('a header jose cannot honour (unknown crit) is reported instead of passing as a plain mismatch', async () => {
  const token = await signToken(pairs[0]!.privateKey, faciliooClaims());
  const [, payload, signature] = token.split('.');
  const withCrit = `${b64url({ alg: 'RS256', crit: ['exp-ext'], 'exp-ext': 1 })}.${payload}.${signature}`;
  const check = await checkSignature(withCrit, keys);
  expect(check.verifiedBy).toBeNull();
  expect(check.reason).toContain('no key verified it: ');
  expect(check.reason).toContain('exp-ext');
});

test('keys served as a JWK set by a local server verify tokens and are labelled by URL', async () => {
  const server = await startServer((_req, res) =>
    json(res, 200, { keys: pairs.map((pair) => pair.publicKey.export({ format: 'jwk' })) }),
  );
  try {
    const jwks = await loadKeys([{ jwksUrl: `${server.url}/.well-known/jwks.json` }]);
    const token = await signToken(pairs[1]!.privateKey, faciliooClaims());
    expect(await verifySignature(token, jwks)).toBe(`${server.url}/.well-known/jwks.json#2`);
  } finally {
    await server.close();
  }
});

test('in-memory PEMs (the reference API hands its keys over this way) verify like files', async () => {
  const inMemory = parsePemKeys(pairs.map((pair) => pair.pkcs1Pem).join(''), 'reference');
  const token = await signToken(pairs[2]!.privateKey, faciliooClaims());
  expect(await verifySignature(token, inMemory)).toBe('reference#3');
});
