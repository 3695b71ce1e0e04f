/**
 * Defects a real server could have, injected into the reference API by name. Each one breaks
 * exactly one rule, so a suite that claims to check that rule must fail against it. The names
 * are a public API: later suites assert that every one of them is caught.
 */
import { ConfigError } from '../errors.ts';

/** `load`: only a load run shows it (test/load/k6-run.test.ts); the scenario suite does not hunt it. */
export type DefectKind = 'behaviour' | 'security' | 'shape' | 'load';

interface DefectEntry {
  name: string;
  description: string;
  /** The documented rule or standard the defect breaks. */
  rule: string;
  kind: DefectKind;
}

const defect = <const N extends string>(name: N, kind: DefectKind, description: string, rule: string) => ({
  name,
  kind,
  description,
  rule,
});

const LIST = [
  // Refresh tokens
  defect(
    'refresh-token-reusable',
    'behaviour',
    'a spent refresh token can be used again',
    'DOC: the refresh token is one-time usable',
  ),
  defect(
    'refresh-not-rotated',
    'behaviour',
    'refresh answers with the same refresh token it was given',
    'DOC: the refresh response carries a new refresh token to use from then on',
  ),
  defect(
    'no-family-revocation',
    'security',
    'reusing a spent refresh token is refused but the rest of its family stays valid',
    'RFC 9700 §4.14.2: refresh token reuse revokes the whole token family',
  ),
  defect(
    'refresh-race',
    'security',
    'concurrent refreshes with one refresh token can all succeed',
    'DOC: the refresh token is one-time usable, also under concurrency',
  ),
  defect(
    'refresh-survives-password-change',
    'security',
    'refresh tokens issued before a password change keep working',
    'RFC 9700 §4.14.2 / OWASP ASVS V3.3: a password change revokes refresh tokens',
  ),
  defect(
    'access-token-as-refresh',
    'security',
    'the refresh endpoint accepts an access token',
    'RFC 8725 §3.11: a token of one kind must not be accepted as another',
  ),
  defect(
    'refresh-token-as-access',
    'security',
    'protected endpoints accept a refresh token as the bearer credential',
    'RFC 8725 §3.11: a token of one kind must not be accepted as another',
  ),
  // Access token verification
  defect(
    'expired-token-accepted',
    'security',
    'protected endpoints accept an access token after its exp',
    'DOC: an expired access token makes any API call answer 401 (RFC 7519 §4.1.4)',
  ),
  defect(
    'alg-none-accepted',
    'security',
    'protected endpoints accept an unsigned token with alg "none"',
    'RFC 8725 §3.1: only the expected algorithm is accepted',
  ),
  defect(
    'hs256-public-key-accepted',
    'security',
    'protected endpoints accept HS256 tokens keyed with the published RSA public key (algorithm confusion)',
    'RFC 8725 §3.1: only the expected algorithm is accepted',
  ),
  defect(
    'signature-not-verified',
    'security',
    'protected endpoints accept RS256 tokens whose signature does not match (tampered payload)',
    'RFC 7515 §5.2: a JWS is valid only if its signature verifies',
  ),
  defect(
    'no-www-authenticate',
    'behaviour',
    '401 answers carry no WWW-Authenticate header',
    'RFC 9110 §11.6.1 / RFC 6750 §3: a 401 names the Bearer scheme in WWW-Authenticate',
  ),
  defect(
    'wrong-audience',
    'security',
    'tokens are issued for another audience than the configured one',
    'DOC: aud is the app host of the environment (RFC 7519 §4.1.3)',
  ),
  // Recovery lockout
  defect(
    'lockout-after-six',
    'behaviour',
    'recovery is blocked only after the sixth wrong code',
    'DOC: five wrong recovery codes block the account',
  ),
  defect(
    'lockout-one-hour',
    'behaviour',
    'a recovery block lasts one hour instead of 24',
    'DOC: the block lasts 24 hours',
  ),
  defect(
    'right-code-while-blocked',
    'security',
    'the right recovery code is accepted while recovery is blocked',
    'DOC: while blocked, even the right code fails',
  ),
  defect(
    'new-code-lifts-block',
    'security',
    'requesting a new recovery code lifts the block and resets the wrong-attempt counter',
    'DOC: only an unblock by an allowed party type (or the 24 h) lifts the block',
  ),
  defect(
    'lockout-race',
    'security',
    'concurrent wrong codes are not counted atomically, so a burst of guesses never blocks',
    'DOC: five wrong recovery codes block the account, however they arrive',
  ),
  // Unblock authorization
  defect(
    'unblock-by-contractor',
    'security',
    'a Contractor may unblock recovery codes',
    'DOC: only Admin and Property Management Company may unblock',
  ),
  defect(
    'unblock-by-user',
    'security',
    'a User may unblock recovery codes',
    'DOC: only Admin and Property Management Company may unblock',
  ),
  defect(
    'unblock-cross-company',
    'security',
    'a Property Management Company may unblock accounts of another company',
    'DOC: the owner of the account may unblock it (OWASP API1: object level authorization)',
  ),
  defect(
    'unblock-without-token',
    'security',
    'unblock-recovery-code works without an access token',
    'DOC: unblock requires authentication',
  ),
  // Recover password
  defect(
    'recover-password-enumeration',
    'security',
    'recover-password answers 404 for unknown addresses',
    'OWASP ASVS V2.5 / API Top 10: recovery does not reveal whether an account exists',
  ),
  defect(
    'recover-password-timing',
    'security',
    'recover-password answers at least 40 ms slower for known addresses',
    'OWASP ASVS V2.5: recovery does not reveal whether an account exists, also by timing',
  ),
  defect(
    'no-rate-limit',
    'behaviour',
    'recover-password is not rate limited',
    'DOC: recover-password is rate limited by DefaultRateLimitAuth',
  ),
  defect(
    'rate-limit-no-retry-after',
    'behaviour',
    'rate-limited answers carry no Retry-After header',
    'RFC 6585 §4: a 429 may say how long to wait (the suite expects Retry-After)',
  ),
  // Response shapes
  defect(
    'access-token-renamed',
    'shape',
    'login and refresh name the access token "access_token"',
    'DOC: the response field is accessToken',
  ),
  defect(
    'access-token-missing',
    'shape',
    'login and refresh answer without an access token',
    'DOC: the response carries accessToken',
  ),
  defect(
    'refresh-token-renamed',
    'shape',
    'login and refresh name the refresh token "refresh_token"',
    'DOC: the response field is refreshToken',
  ),
  defect(
    'refresh-token-not-string',
    'shape',
    'login and refresh answer the refresh token as a number',
    'DOC: the refresh token is a JWT (a string, or an object carrying one)',
  ),
  defect(
    'access-token-not-jwt',
    'shape',
    'access tokens are opaque strings instead of JWTs',
    'DOC: access tokens are JWTs',
  ),
  defect(
    'sub-as-string',
    'shape',
    'the sub claim is a string instead of the documented object',
    'DOC: sub is {"accountId": n, "companyId": n}',
  ),
  defect(
    'problem-json-missing',
    'shape',
    'errors are plain text instead of application/problem+json (the status stays right)',
    'RFC 9457: errors are problem details',
  ),
  // Load: what only shows under sustained traffic (the k6 profiles' thresholds catch these;
  // refresh-race above is the rotation fork under concurrency that their fork check catches).
  defect(
    'errors-under-load',
    'load',
    'one request in 20 to the API answers 500, as a server shedding load does',
    'load profiles: under the release load fewer than 1 % of requests fail',
  ),
  defect(
    'latency-grows-with-load',
    'load',
    'every request waits 50 ms more than the one before it (up to 5 s): latency grows with the load served',
    'load profiles: p95/p99 latency per endpoint stays within its budget under the release load',
  ),
] as const satisfies readonly DefectEntry[];

export type DefectName = (typeof LIST)[number]['name'];

export interface Defect extends DefectEntry {
  name: DefectName;
}

/** Every defect, in the order `facilioo-auth defects` lists them. */
export const DEFECTS: readonly Defect[] = LIST;

export type LoadDefectName = Extract<DefectName, 'errors-under-load' | 'latency-grows-with-load'>;
/** The defects a load run must catch, and the scenario suite leaves to it. */
export const LOAD_DEFECT_NAMES = LIST.filter((d) => d.kind === 'load').map(
  (d) => d.name,
) as readonly LoadDefectName[];

export const DEFECT_NAMES: readonly DefectName[] = LIST.map((d) => d.name);

export function isDefectName(name: string): name is DefectName {
  return (DEFECT_NAMES as readonly string[]).includes(name);
}

/** Checks names from a flag, a file or a request; `where` says which, for the error message. */
export function parseDefectNames(names: readonly unknown[], where: string): DefectName[] {
  const parsed: DefectName[] = [];
  for (const name of names) {
    if (typeof name !== 'string' || !isDefectName(name)) {
      throw new ConfigError(`unknown defect ${JSON.stringify(name)}`, {
        where,
        hint: `use one of: ${DEFECT_NAMES.join(', ')} (\`facilioo-auth defects\` describes them)`,
      });
    }
    if (!parsed.includes(name)) parsed.push(name);
  }
  return parsed;
}

/** The defects switched on in one app; mutable at run time through the control API. */
export class DefectSet {
  #active = new Set<DefectName>();

  constructor(initial: readonly DefectName[] = []) {
    this.set(initial);
  }

  has(name: DefectName): boolean {
    return this.#active.has(name);
  }

  set(names: readonly DefectName[]): void {
    this.#active = new Set(names);
  }

  list(): DefectName[] {
    return DEFECT_NAMES.filter((name) => this.#active.has(name));
  }
}
