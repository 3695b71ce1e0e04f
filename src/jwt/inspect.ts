/**
 * What a token says and whether to believe it, for people (the `inspect-token` command) rather
 * than for gates: it reports instead of throwing, except when the token does not even decode.
 */
import {
  claimsFollowLayout,
  isNumericDate,
  isoFromNumericDate,
  type ValidityReason,
  validityAt,
} from './claims.ts';
import { decodeToken } from './decode.ts';
import type { LabelledKey } from './keys.ts';
import { checkSignature, type SignatureCheck } from './signature.ts';

export interface InspectOptions {
  /** Keys to try; none means the signature is reported as not verified. */
  keys?: readonly LabelledKey[];
  /** The moment validity is judged at (default now). */
  at?: Date;
}

export interface TokenInspection {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  nbf: string | null;
  exp: string | null;
  iat: string | null;
  /** `exp` minus `nbf` (or `iat` when there is no `nbf`); facilioo's example lives 3600 s. */
  lifetimeSeconds: number | null;
  validAt: { at: string; valid: boolean; reason?: ValidityReason };
  signature: SignatureCheck;
  /** Departures from facilioo's documented claim layout (see claimsFollowLayout). */
  layoutProblems: string[];
}

/** Throws TokenCheckError('malformed') naming the broken part when the token does not decode. */
export async function inspectToken(token: string, options: InspectOptions = {}): Promise<TokenInspection> {
  const at = options.at ?? new Date();
  if (Number.isNaN(at.getTime())) throw new RangeError('inspectToken: `at` is an invalid Date');
  const { header, claims } = decodeToken(token);
  const start = isNumericDate(claims.nbf) ? claims.nbf : isNumericDate(claims.iat) ? claims.iat : undefined;
  return {
    header,
    claims,
    nbf: isoFromNumericDate(claims.nbf),
    exp: isoFromNumericDate(claims.exp),
    iat: isoFromNumericDate(claims.iat),
    lifetimeSeconds: start !== undefined && isNumericDate(claims.exp) ? claims.exp - start : null,
    validAt: {
      at: isoFromNumericDate(at.getTime() / 1000) ?? at.toISOString(),
      ...validityAt(claims, at.getTime()),
    },
    signature: await checkSignature(token, options.keys ?? []),
    layoutProblems: claimsFollowLayout(claims),
  };
}
