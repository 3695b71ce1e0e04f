// A token decodes into its header and claims with `sub` kept as the object facilioo sends, and a
// broken token fails as 'malformed' naming the broken part — never as a crash, never echoing it.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { decodeToken } from '../../src/jwt/decode.ts';
import { TokenCheckError } from '../../src/jwt/errors.ts';
import { b64url, SEED_DECODED, SEED_TOKEN as seedToken } from './support.ts';

function malformedMessage(token: string): string {
  try {
    decodeToken(token);
  } catch (error) {
    expect(error).toBeInstanceOf(TokenCheckError);
    expect((error as TokenCheckError).code).toBe('malformed');
    return (error as Error).message;
  }
  throw new Error('expected the token to be rejected as malformed');
}

test("the seed's example token decodes to the documented header and payload, sub as an object", () => {
  expect(decodeToken(seedToken)).toEqual(SEED_DECODED);
});

test('a broken token names the part that is broken', () => {
  const header = b64url({ alg: 'RS256' });
  const payload = b64url({ sub: { accountId: 1, companyId: 1 } });
  const cases: Array<[string, string]> = [
    ['', 'it has 1 part(s); a JWT has 3'],
    [`${header}.${payload}`, 'it has 2 part(s)'],
    ['a.b.c.d.e', 'encrypted token (JWE)'],
    [`.${payload}.sig`, 'the header (part 1) is empty'],
    [`${header}..sig`, 'the payload (part 2) is empty'],
    [`${header}.${payload}.si+g`, 'the signature (part 3) is not base64url'],
    [`${header}+.${payload}.sig`, 'the header (part 1) is not base64url'],
    [`A.${payload}.sig`, 'the header (part 1) is not base64url'],
    [`${header}.${payload}/.sig`, 'the payload (part 2) is not base64url'],
    [`${Buffer.from('{"alg":').toString('base64url')}.${payload}.sig`, 'the header (part 1) is not JSON'],
    [`${header}.${b64url([1, 2])}.sig`, 'the payload (part 2) is JSON but not an object'],
    [`${header}.${b64url('sub')}.sig`, 'the payload (part 2) is JSON but not an object'],
  ];
  for (const [token, expected] of cases) expect(malformedMessage(token)).toContain(expected);
});

test('the message for a broken token never contains the token', () => {
  const [header, payload] = seedToken.split('.');
  const token = `${header}.${payload}.not+base64`;
  const message = malformedMessage(token);
  expect(message).not.toContain(payload);
  expect(message).not.toContain(header);
});

test('any string either decodes or is rejected as malformed', () => {
  const part = fc.oneof(fc.base64String(), fc.string(), fc.constantFrom(b64url({}), b64url({ a: 1 }), ''));
  const tokens = fc.oneof(
    fc.string(),
    fc.array(part, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.')),
  );
  fc.assert(
    fc.property(tokens, (token) => {
      try {
        const decoded = decodeToken(token);
        expect(typeof decoded.header).toBe('object');
        expect(typeof decoded.claims).toBe('object');
      } catch (error) {
        expect(error).toBeInstanceOf(TokenCheckError);
      }
    }),
    { numRuns: 2000 },
  );
});
