/**
 * The gate the suites use on every access token they receive: signature, validity window,
 * issuer, audience and the documented `sub` layout, failing with a TokenCheckError whose `code`
 * says which rule broke. Checks run in that order, so a forged token is reported as a signature
 * problem even when it is also expired.
 */
import { claimsFollowLayout, type FaciliooClaims, validityAt } from './claims.ts';
import { decodeToken } from './decode.ts';
import { TokenCheckError } from './errors.ts';
import type { LabelledKey } from './keys.ts';
import { checkSignature } from './signature.ts';

export interface VerifyOptions {
  /**
   * Keys to try. `null` skips the signature check — for a target that lists no public keys,
   * and only when the caller reports that as a skipped check. An empty array fails it.
   */
  keys: readonly LabelledKey[] | null;
  /** Expected `iss`; not checked when undefined (the target file leaves it out). */
  issuer?: string;
  /** Expected `aud` (a string, or one of an array); not checked when undefined. */
  audience?: string;
  /** The moment validity is judged at (default now); suites pass the target's clock. */
  at?: Date;
  /** Clock skew allowed on `nbf` and `exp` (default 0). */
  leewaySeconds?: number;
}

export async function verifyAccessToken(token: string, options: VerifyOptions): Promise<FaciliooClaims> {
  const { claims } = decodeToken(token);
  if (options.keys !== null) {
    const signature = await checkSignature(token, options.keys);
    if (signature.verifiedBy === null) {
      throw new TokenCheckError('signature', `access token signature not verified: ${signature.reason}`);
    }
  }
  const validity = validityAt(claims, (options.at ?? new Date()).getTime(), options.leewaySeconds ?? 0);
  if (!validity.valid) {
    switch (validity.reason) {
      case 'expired':
        throw new TokenCheckError('expired', 'access token is expired (exp is past)');
      case 'not yet valid':
        throw new TokenCheckError('not-yet-valid', 'access token is not valid yet (nbf is in the future)');
      default:
        throw new TokenCheckError(
          'malformed',
          `access token has ${validity.reason}; nbf/exp must be NumericDates`,
        );
    }
  }
  if (options.issuer !== undefined && claims.iss !== options.issuer) {
    throw new TokenCheckError(
      'issuer',
      `access token iss ${describe(claims.iss)} is not the expected "${options.issuer}"`,
    );
  }
  if (options.audience !== undefined && !audienceMatches(claims.aud, options.audience)) {
    throw new TokenCheckError(
      'audience',
      `access token aud ${describe(claims.aud)} does not name "${options.audience}"`,
    );
  }
  const problems = claimsFollowLayout(claims);
  if (problems.length > 0) {
    throw new TokenCheckError(
      'sub-layout',
      `access token claims do not follow the documented layout: ${problems.join('; ')}`,
    );
  }
  return claims as FaciliooClaims;
}

function audienceMatches(aud: unknown, expected: string): boolean {
  return aud === expected || (Array.isArray(aud) && aud.includes(expected));
}

// iss and aud are public host names, not secrets; showing them is what makes a target file fixable.
function describe(value: unknown): string {
  if (value === undefined) return '(missing)';
  return typeof value === 'string' ? `"${value}"` : `(a ${Array.isArray(value) ? 'list' : typeof value})`;
}
