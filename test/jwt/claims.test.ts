// Claims are judged against facilioo's documented layout (object sub, bare-host iss/aud, NumericDate
// nbf/exp) and against RFC 7519's window: valid from nbf on, invalid on and after exp.
import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { claimsFollowLayout, isoFromNumericDate, validityAt } from '../../src/jwt/claims.ts';
import { decodeToken } from '../../src/jwt/decode.ts';
import { faciliooClaims, SEED_TOKEN_FILE } from './support.ts';

const seedClaims = decodeToken((await readFile(SEED_TOKEN_FILE, 'utf8')).trim()).claims;
const NBF = 1651760242;
const EXP = 1651763842;

test("the seed token's claims follow the documented layout", () => {
  expect(claimsFollowLayout(seedClaims)).toEqual([]);
});

test('a party-type claim is never required, and an extra one is allowed', () => {
  expect(claimsFollowLayout(faciliooClaims())).toEqual([]);
  expect(claimsFollowLayout(faciliooClaims({ role: 2, partyType: 'PropertyManagementCompany' }))).toEqual([]);
});

test('every departure from the layout is listed', () => {
  const cases: Array<[Record<string, unknown>, string[]]> = [
    [{ nbf: undefined }, ['nbf is missing']],
    [{ exp: '1651763842' }, ['exp is not a NumericDate (seconds since 1970)']],
    [{ nbf: EXP, exp: NBF }, ['exp is not after nbf']],
    [
      { iss: undefined, aud: ['a', 'b'] },
      ['iss is missing', 'aud is an array; facilioo uses a single string'],
    ],
    [{ iss: 42 }, ['iss is not a string']],
    [{ sub: '2' }, ['sub is a string; facilioo uses an object {accountId, companyId}']],
    [{ sub: null }, ['sub is not an object {accountId, companyId}']],
    [{ sub: [2, 2] }, ['sub is not an object {accountId, companyId}']],
    [
      { sub: { accountId: '2', companyId: 2.5 } },
      ['sub.accountId is not an integer', 'sub.companyId is not an integer'],
    ],
    [{ sub: { accountId: 2 } }, ['sub.companyId is missing']],
    [{ sub: undefined }, ['sub is missing']],
  ];
  for (const [overrides, problems] of cases) {
    const claims = Object.fromEntries(
      Object.entries(faciliooClaims({ nbf: NBF, exp: EXP, ...overrides })).filter(([, v]) => v !== undefined),
    );
    expect(claimsFollowLayout(claims), JSON.stringify(overrides)).toEqual(problems);
  }
});

test('a token is valid from nbf on and no longer at exp (RFC 7519 §4.1.4–5)', () => {
  expect(validityAt(seedClaims, NBF * 1000 - 1)).toEqual({ valid: false, reason: 'not yet valid' });
  expect(validityAt(seedClaims, NBF * 1000)).toEqual({ valid: true });
  expect(validityAt(seedClaims, EXP * 1000 - 1)).toEqual({ valid: true });
  expect(validityAt(seedClaims, EXP * 1000)).toEqual({ valid: false, reason: 'expired' });
});

test('leeway widens the window by the same amount on both ends', () => {
  expect(validityAt(seedClaims, (NBF - 30) * 1000, 30)).toEqual({ valid: true });
  expect(validityAt(seedClaims, (NBF - 31) * 1000, 30)).toEqual({ valid: false, reason: 'not yet valid' });
  expect(validityAt(seedClaims, (EXP + 29) * 1000, 30)).toEqual({ valid: true });
  expect(validityAt(seedClaims, (EXP + 30) * 1000, 30)).toEqual({ valid: false, reason: 'expired' });
});

test('a token without exp, or with a time claim that is not a number, is not valid', () => {
  expect(validityAt({ nbf: NBF }, NBF * 1000)).toEqual({ valid: false, reason: 'no exp claim' });
  expect(validityAt({ exp: 'tomorrow' }, NBF * 1000)).toEqual({ valid: false, reason: 'bad time claim' });
  expect(validityAt({ nbf: 1e300, exp: EXP }, NBF * 1000)).toEqual({
    valid: false,
    reason: 'bad time claim',
  });
});

test('NumericDates render as ISO times, with milliseconds only when there are some', () => {
  expect(isoFromNumericDate(NBF)).toBe('2022-05-05T14:17:22Z');
  expect(isoFromNumericDate(EXP)).toBe('2022-05-05T15:17:22Z');
  expect(isoFromNumericDate(NBF + 0.5)).toBe('2022-05-05T14:17:22.500Z');
  expect(isoFromNumericDate('1651760242')).toBeNull();
  expect(isoFromNumericDate(1e300)).toBeNull();
});
