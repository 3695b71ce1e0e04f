/**
 * The token defects that change what the server issues (claims, lifetimes, records), kept out of
 * tokens.ts so the token service reads as the documented behaviour with a hook per defect.
 */
import type { AccountRecord } from './accounts.ts';
import type { DefectSet } from './defects.ts';

export function accessLifetime(defects: DefectSet, seconds: number): number {
  return defects.has('access-token-long-lived') ? 86_400 : seconds;
}

export function subjectClaim(defects: DefectSet, account: AccountRecord, viaRefresh: boolean): unknown {
  if (defects.has('sub-as-string') || (viaRefresh && defects.has('refresh-sub-as-string'))) {
    return String(account.id);
  }
  if (defects.has('sub-ids-as-strings')) {
    return { accountId: String(account.id), companyId: String(account.companyId) };
  }
  return { accountId: account.id, companyId: account.companyId };
}

/** The claim-value defects of the access token (the refresh token keeps its claims). */
export function accessClaimDefects(
  defects: DefectSet,
  base: { nbf: number; exp: number } & Record<string, unknown>,
): object {
  if (defects.has('exp-missing')) {
    const { exp: _exp, ...rest } = base;
    return rest;
  }
  if (defects.has('nbf-in-future')) return { ...base, nbf: base.nbf + 3600 };
  return base;
}

/** The jti of a token this server signed (no verification: it is our own fresh token). */
export function jtiOf(token: string): string {
  const payload = token.split('.')[1] ?? '';
  try {
    return String((JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown }).jti);
  } catch {
    return '';
  }
}
