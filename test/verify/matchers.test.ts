// The access-token pattern pins what the document shows — `sub` is a JSON object inside the JWT —
// by looking at the base64url payload, so it must hold for every byte alignment of the claim.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { EXAMPLE } from '../../contracts/support.ts';
import { ACCESS_TOKEN_JWT, base64urlInfixes, JWT } from '../../src/pact/matchers.ts';

// Pact regexes match the whole value.
const whole = (pattern: string) => new RegExp(`^(?:${pattern})$`);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = (payload: object) => `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(payload)}.c2lnbmF0dXJl`;

const claims = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }).filter((key) => key !== 'sub'),
  fc.oneof(fc.string(), fc.integer(), fc.boolean()),
  { maxKeys: 6 },
);

describe('ACCESS_TOKEN_JWT', () => {
  test("the document's own example access token matches", () => {
    expect(EXAMPLE.accessToken).toMatch(whole(ACCESS_TOKEN_JWT));
  });

  test('a JWT whose sub is an object matches wherever the claim sits in the payload', () => {
    fc.assert(
      fc.property(claims, claims, fc.integer({ min: 0, max: 9999 }), (before, after, id) => {
        const payload = { ...before, sub: { accountId: id, companyId: 2 }, ...after };
        expect(token(payload)).toMatch(whole(ACCESS_TOKEN_JWT));
      }),
    );
  });

  test('a JWT whose sub is a string or a number does not match', () => {
    fc.assert(
      fc.property(claims, claims, fc.oneof(fc.string(), fc.integer()), (before, after, sub) => {
        expect(token({ ...before, sub, ...after })).not.toMatch(whole(ACCESS_TOKEN_JWT));
      }),
    );
  });

  test('an opaque token is not a JWT', () => {
    expect('3q2-7w_opaque-access-token').not.toMatch(whole(JWT));
    expect('3q2-7w_opaque-access-token').not.toMatch(whole(ACCESS_TOKEN_JWT));
    expect(EXAMPLE.refreshToken).toMatch(whole(JWT));
  });

  test('the three infixes are the base64url spellings of the text at each alignment', () => {
    const infixes = base64urlInfixes('"sub":{');
    for (const prefix of ['', 'a', 'ab']) {
      const encoded = Buffer.from(`${prefix}"sub":{"x":1}`).toString('base64url');
      expect(infixes.some((infix) => encoded.includes(infix))).toBe(true);
    }
  });
});
