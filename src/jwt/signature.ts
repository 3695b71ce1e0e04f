/**
 * Signature checks against a key set. facilioo tokens carry no `kid` and its published keys
 * rotate, so every key is tried and the one that verified is reported by label. Only RSA
 * algorithms are accepted: `none` is unsigned, and HS* with a public key as the HMAC secret is
 * the classic forgery (RFC 8725 §2.1), so neither ever reaches a verifier.
 */
import { compactVerify, errors } from 'jose';
import { decodeToken } from './decode.ts';
import type { LabelledKey } from './keys.ts';

export const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;

export interface SignatureCheck {
  /** Label of the key that verified the signature, or null. */
  verifiedBy: string | null;
  /** How many keys were tried; 0 when the algorithm was refused before any key. */
  triedKeys: number;
  /** Why nothing verified; absent when a key did. */
  reason?: string;
}

/** Tries every key; throws TokenCheckError('malformed') when the token does not decode. */
export async function checkSignature(token: string, keys: readonly LabelledKey[]): Promise<SignatureCheck> {
  const { header } = decodeToken(token);
  const refused = refuseAlgorithm(header.alg);
  if (refused) return { verifiedBy: null, triedKeys: 0, reason: refused };
  if (keys.length === 0) return { verifiedBy: null, triedKeys: 0, reason: 'no keys given' };
  let otherFailure: string | undefined;
  for (const { label, key } of keys) {
    try {
      await compactVerify(token, key, { algorithms: [...RSA_ALGORITHMS] });
      return { verifiedBy: label, triedKeys: keys.length };
    } catch (error) {
      // A plain mismatch is expected for every key but one; anything else (a `crit` header jose
      // does not support, say) would fail the same way for all keys and is worth reporting.
      if (!(error instanceof errors.JWSSignatureVerificationFailed)) {
        otherFailure ??= error instanceof Error ? error.message : String(error);
      }
    }
  }
  return {
    verifiedBy: null,
    triedKeys: keys.length,
    reason: otherFailure
      ? `no key verified it: ${otherFailure}`
      : `none of the ${keys.length} key(s) verified the signature`,
  };
}

/** The label of the key that verified the token, or null. */
export async function verifySignature(token: string, keys: readonly LabelledKey[]): Promise<string | null> {
  return (await checkSignature(token, keys)).verifiedBy;
}

function refuseAlgorithm(alg: unknown): string | undefined {
  if (typeof alg !== 'string') return 'the header has no "alg"; an unsigned token is never accepted';
  if (alg.toLowerCase() === 'none') return `alg "${alg}": an unsigned token is never accepted`;
  if (/^HS/i.test(alg)) {
    return `alg "${alg}" is an HMAC algorithm: a public key must never serve as its secret, so it is not verified`;
  }
  if (!(RSA_ALGORITHMS as readonly string[]).includes(alg)) {
    return `alg "${alg}" is not accepted; only ${RSA_ALGORITHMS.join(', ')} with RSA keys`;
  }
  return undefined;
}
