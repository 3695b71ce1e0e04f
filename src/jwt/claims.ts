/**
 * The claim layout facilioo documents (spec, "Tokens"): NumericDate `nbf`/`exp`, bare-host `iss`
 * and `aud` strings, and `sub` as an OBJECT `{ accountId, companyId }` — not the string RFC 7519
 * asks for. The party type is said to be "embedded" but its claim name is unknown, so extra
 * claims are always allowed and none is required for it.
 */

export interface FaciliooSubject {
  accountId: number;
  companyId: number;
}

export interface FaciliooClaims {
  nbf: number;
  exp: number;
  iss: string;
  aud: string;
  sub: FaciliooSubject;
  [claim: string]: unknown;
}

export type ValidityReason = 'not yet valid' | 'expired' | 'no exp claim' | 'bad time claim';

export interface Validity {
  valid: boolean;
  reason?: ValidityReason;
}

// ECMAScript dates end at ±8.64e15 ms; a NumericDate beyond that cannot be shown or compared.
const MAX_DATE_MS = 8.64e15;

export function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value * 1000) <= MAX_DATE_MS;
}

/** `2022-05-05T14:17:22Z` for a NumericDate (milliseconds kept only when present), else null. */
export function isoFromNumericDate(value: unknown): string | null {
  if (!isNumericDate(value)) return null;
  return new Date(value * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * RFC 7519 §4.1.4/§4.1.5: valid from `nbf` on, and no longer on or after `exp`. A token without
 * `exp` is not valid here, because facilioo documents one on every access token.
 */
export function validityAt(claims: Record<string, unknown>, atMs: number, leewaySeconds = 0): Validity {
  const { nbf, exp } = claims;
  if ((nbf !== undefined && !isNumericDate(nbf)) || (exp !== undefined && !isNumericDate(exp))) {
    return { valid: false, reason: 'bad time claim' };
  }
  if (exp === undefined) return { valid: false, reason: 'no exp claim' };
  const leewayMs = leewaySeconds * 1000;
  if (nbf !== undefined && atMs < nbf * 1000 - leewayMs) return { valid: false, reason: 'not yet valid' };
  if (atMs >= exp * 1000 + leewayMs) return { valid: false, reason: 'expired' };
  return { valid: true };
}

/** Every way `claims` departs from the documented layout; empty when it follows it. */
export function claimsFollowLayout(claims: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const name of ['nbf', 'exp'] as const) {
    const value = claims[name];
    if (value === undefined) problems.push(`${name} is missing`);
    else if (!isNumericDate(value)) problems.push(`${name} is not a NumericDate (seconds since 1970)`);
  }
  if (isNumericDate(claims.nbf) && isNumericDate(claims.exp) && claims.exp <= claims.nbf) {
    problems.push('exp is not after nbf');
  }
  for (const name of ['iss', 'aud'] as const) {
    const value = claims[name];
    if (value === undefined) problems.push(`${name} is missing`);
    else if (Array.isArray(value)) problems.push(`${name} is an array; facilioo uses a single string`);
    else if (typeof value !== 'string') problems.push(`${name} is not a string`);
  }
  problems.push(...subjectProblems(claims.sub));
  return problems;
}

function subjectProblems(sub: unknown): string[] {
  if (sub === undefined) return ['sub is missing'];
  if (typeof sub === 'string') return ['sub is a string; facilioo uses an object {accountId, companyId}'];
  if (typeof sub !== 'object' || sub === null || Array.isArray(sub)) {
    return ['sub is not an object {accountId, companyId}'];
  }
  const problems: string[] = [];
  for (const name of ['accountId', 'companyId'] as const) {
    const value = (sub as Record<string, unknown>)[name];
    if (value === undefined) problems.push(`sub.${name} is missing`);
    else if (!Number.isSafeInteger(value)) problems.push(`sub.${name} is not an integer`);
  }
  return problems;
}
