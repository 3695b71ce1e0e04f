/**
 * Access tokens the target must refuse, for checks of the client's 401 handling on any target:
 * an expired token needs clock control or short lifetimes, but the client's behaviour (refresh
 * once, retry once, one refresh for many 401s) only needs a 401. A token whose signature no key
 * made is refused by every verifier (RFC 7515 §5.2), whatever the lifetime and leeway.
 */

/** `token` with its signature's first byte flipped: same header and claims, signature invalid. */
export function withBrokenSignature(token: string): string {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[2]) throw new TypeError('not a signed JWT (three segments)');
  const signature = Buffer.from(parts[2], 'base64url');
  signature[0] = (signature[0] ?? 0) ^ 0xff;
  return `${parts[0]}.${parts[1]}.${signature.toString('base64url')}`;
}

/** How a check came by an access token the target answers 401. */
export type RefusedBy = 'expiry' | 'broken-signature';
