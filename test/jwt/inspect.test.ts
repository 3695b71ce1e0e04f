// Inspection reports what a token says and whether to believe it — header, claims, ISO times,
// validity at a chosen moment and the verifying key — without throwing unless it does not decode.
import { beforeAll, expect, test } from 'vitest';
import { TokenCheckError } from '../../src/jwt/errors.ts';
import { inspectToken } from '../../src/jwt/inspect.ts';
import { type LabelledKey, loadKeys, parsePemKeys } from '../../src/jwt/keys.ts';
import {
  faciliooClaims,
  type RsaKeyPair,
  rsaKeyPair,
  SEED_DECODED,
  SEED_KEY_FILES,
  SEED_TOKEN as seedToken,
  signToken,
} from './support.ts';

let seedKeys: LabelledKey[];
let pair: RsaKeyPair;

beforeAll(async () => {
  seedKeys = await loadKeys(SEED_KEY_FILES);
  pair = rsaKeyPair();
});

test('the seed token at 2022-05-05T14:30:00Z is inside its window, and none of the seed keys verifies it', async () => {
  const inspection = await inspectToken(seedToken, { keys: seedKeys, at: new Date('2022-05-05T14:30:00Z') });
  expect(inspection).toEqual({
    ...SEED_DECODED,
    nbf: '2022-05-05T14:17:22Z',
    exp: '2022-05-05T15:17:22Z',
    iat: null,
    lifetimeSeconds: 3600,
    validAt: { at: '2022-05-05T14:30:00Z', valid: true },
    signature: { verifiedBy: null, triedKeys: 3, reason: 'none of the 3 key(s) verified the signature' },
    layoutProblems: [],
  });
});

test('the seed token is expired now', async () => {
  const before = Date.now();
  const { validAt } = await inspectToken(seedToken);
  expect(validAt.valid).toBe(false);
  expect(validAt.reason).toBe('expired');
  expect(Date.parse(validAt.at)).toBeGreaterThanOrEqual(before - 1000);
});

test('the seed token before its nbf is not yet valid', async () => {
  const { validAt } = await inspectToken(seedToken, { at: new Date('2022-05-05T14:17:21Z') });
  expect(validAt).toEqual({ at: '2022-05-05T14:17:21Z', valid: false, reason: 'not yet valid' });
});

test('without keys the signature is reported as not verified, not as verified', async () => {
  expect((await inspectToken(seedToken)).signature).toEqual({
    verifiedBy: null,
    triedKeys: 0,
    reason: 'no keys given',
  });
});

test('a token signed by a configured key reports that key, its iat and its lifetime', async () => {
  const iat = Math.floor(Date.now() / 1000);
  const token = await signToken(pair.privateKey, faciliooClaims({ nbf: undefined, iat, exp: iat + 900 }));
  const keys = [...seedKeys, ...parsePemKeys(pair.pkcs1Pem, 'mine.pem')];
  const inspection = await inspectToken(token, { keys });
  expect(inspection.signature).toEqual({ verifiedBy: 'mine.pem#1', triedKeys: 4 });
  expect(inspection.iat).toBe(new Date(iat * 1000).toISOString().replace('.000Z', 'Z'));
  expect(inspection.lifetimeSeconds).toBe(900);
  expect(inspection.validAt.valid).toBe(true);
  expect(inspection.layoutProblems).toEqual(['nbf is missing']);
});

test('a token that does not decode fails as malformed, naming the part', async () => {
  const [header] = seedToken.split('.');
  const error = await inspectToken(`${header}.!!!.sig`).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(TokenCheckError);
  expect((error as TokenCheckError).code).toBe('malformed');
  expect((error as Error).message).toBe('malformed token: the payload (part 2) is not base64url');
});
