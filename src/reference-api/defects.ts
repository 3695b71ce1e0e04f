/**
 * Defects a real server could have, injected into the reference API by name. Each one breaks
 * exactly one rule, so a suite that claims to check that rule must fail against it. The names
 * are a public API: later suites assert that every one of them is caught.
 */
import { ConfigError } from '../errors.ts';

export type DefectKind = 'behaviour' | 'security' | 'shape';

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
  defect(
    'refresh-new-token-dead',
    'behaviour',
    'refresh answers a new refresh token that the next refresh refuses (it is never recorded)',
    'DOC: the newly received refresh token is used for all future refresh requests',
  ),
  defect(
    'refresh-reuse-grace',
    'behaviour',
    'a spent refresh token is accepted once more within a minute of its use (a "reuse interval")',
    'DOC: the refresh token is one-time usable',
  ),
  defect(
    'refresh-token-never-expires',
    'security',
    'refresh accepts a refresh token after its own exp',
    'RFC 7519 §4.1.4 / RFC 9700 §4.14.2: an expired refresh token is refused',
  ),
  defect(
    'refresh-access-token-stale',
    'behaviour',
    'refresh answers 200 with the access token of the login again (already expired when the client needs it)',
    'DOC: the refresh response carries a new access token',
  ),
  defect(
    'refresh-sub-as-string',
    'behaviour',
    'access tokens from refresh (not from login) carry sub as a string',
    'DOC: sub is {"accountId": n, "companyId": n}, in every access token',
  ),
  defect(
    'refresh-signature-not-verified',
    'security',
    'the refresh endpoint accepts refresh tokens whose signature does not match (tampered payload)',
    'RFC 7515 §5.2: a JWS is valid only if its signature verifies, on every endpoint',
  ),
  defect(
    'refresh-alg-none-accepted',
    'security',
    'the refresh endpoint accepts an unsigned refresh token with alg "none"',
    'RFC 8725 §3.1: only the expected algorithm is accepted, on every endpoint',
  ),
  defect(
    'password-change-revokes-later-sessions',
    'behaviour',
    'after a password change, refresh tokens of logins made after it are refused too',
    'RFC 9700 §4.14.2: a password change revokes the refresh tokens issued before it, not those after',
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
  defect(
    'expired-token-grace-hour',
    'security',
    'protected endpoints accept access tokens up to an hour past their exp (a huge clock skew)',
    'DOC: an expired access token makes any API call answer 401',
  ),
  defect(
    'access-token-expires-early',
    'behaviour',
    'protected endpoints refuse access tokens in the last five minutes before their exp',
    'DOC: an access token works until it reaches its expiration',
  ),
  defect(
    'expired-token-403',
    'behaviour',
    'an expired access token gets 403 instead of 401, so clients never refresh',
    'DOC: an expired access token makes any API call answer 401',
  ),
  defect(
    'www-authenticate-basic',
    'behaviour',
    '401 answers challenge with the Basic scheme instead of Bearer',
    'RFC 6750 §3: a 401 for a bearer token names the Bearer scheme',
  ),
  defect(
    'malformed-token-500',
    'security',
    'a bearer credential that is not a JWT makes the protected endpoint answer 500',
    'OWASP ASVS V3.5.3 / RFC 6750 §3.1: a malformed token is refused with 401, never a server error',
  ),
  defect(
    'nbf-in-future',
    'behaviour',
    'access tokens carry an nbf an hour in the future (the server itself ignores nbf)',
    'DOC: a fresh access token is valid from now (nbf ≤ now < exp)',
  ),
  defect(
    'exp-missing',
    'behaviour',
    'access tokens carry no exp claim, so they never expire',
    'DOC: the access token carries exp (RFC 7519 §4.1.4)',
  ),
  defect(
    'sub-ids-as-strings',
    'behaviour',
    'sub is an object whose accountId and companyId are strings',
    'DOC: sub is {"accountId": n, "companyId": n} with numbers',
  ),
  defect(
    'wrong-issuer',
    'security',
    "tokens carry another issuer than the environment's API host",
    'DOC: iss is the API host of the environment (RFC 7519 §4.1.1)',
  ),
  defect(
    'access-token-long-lived',
    'security',
    'access tokens live a day instead of at most an hour',
    'RFC 6819 §5.1.5.3: access tokens are short-lived (the documented example lives 3600 s)',
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
  defect(
    'lockout-after-four',
    'behaviour',
    'recovery is blocked already after the fourth wrong code',
    'DOC: five wrong recovery codes block the account (not four)',
  ),
  defect(
    'lockout-two-days',
    'behaviour',
    'a recovery block lasts 48 hours instead of 24',
    'DOC: the block lasts 24 hours',
  ),
  defect(
    'lockout-check-then-act',
    'security',
    'whether recovery is blocked is read before the code is looked up (an await later), so a right code inside a concurrent batch of wrong ones is judged before the block lands',
    'DOC: after five wrong codes even the right code fails, however the attempts arrive',
  ),
  defect(
    'new-code-resets-count',
    'security',
    'requesting a new recovery code resets the wrong-code count (an existing block stays), so four guesses per code never block',
    'DOC: five wrong codes block (OWASP ASVS V2.2.1: the count is per account, not per code)',
  ),
  defect(
    'blocked-change-applies',
    'security',
    'while blocked, the right code is refused but the password is changed anyway',
    'DOC: while blocked, even the right code fails (and a refusal changes nothing)',
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
  defect(
    'unblock-noop',
    'behaviour',
    'unblock-recovery-code answers 200 but the account stays blocked',
    'DOC: an unblock lifts the block, after which the right code works',
  ),
  defect(
    'unblock-by-pmc-refused',
    'behaviour',
    "the account's own Property Management Company gets 403 from unblock-recovery-code",
    'DOC: Admin and Property Management Company may unblock',
  ),
  defect(
    'unblock-by-admin-refused',
    'behaviour',
    'an Admin gets 403 from unblock-recovery-code',
    'DOC: Admin and Property Management Company may unblock',
  ),
  defect(
    'unblock-keeps-count',
    'behaviour',
    'an unblock lifts the block but keeps the wrong-code count, so the next wrong code blocks again',
    'DOC: an unblock resets the recovery code lockout',
  ),
  defect(
    'unblock-voids-code',
    'behaviour',
    'an unblock also discards the issued recovery code, so the right code no longer works',
    'DOC: after an unblock the right code works again',
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
  defect(
    'rate-limit-known-only',
    'security',
    'recover-password is rate limited only for addresses that have an account',
    'DOC: recover-password is rate limited (and OWASP WSTG-IDNT-04: the limit must not tell addresses apart)',
  ),
  defect(
    'retry-after-too-short',
    'behaviour',
    'Retry-After says 1 s while the limit lasts until its window ends, so a client that waits as told is refused again',
    'RFC 9110 §10.2.3: Retry-After says how long to wait before the limit admits requests again',
  ),
  defect(
    'recovery-mail-never-sent',
    'behaviour',
    'recover-password answers 200 for a known address but sends no mail',
    'DOC: the system sends an email with a recovery code',
  ),
  defect(
    'recovery-mail-wrong-code',
    'behaviour',
    'the recovery mail carries a code other than the one the server checks',
    'DOC: the mail carries the recovery code that changes the password',
  ),
  defect(
    'recovery-code-reusable',
    'security',
    'a recovery code keeps working after it changed the password',
    'DOC: a recovery code changes the password once (OWASP Forgot Password: single use)',
  ),
  defect(
    'old-code-valid-after-new',
    'security',
    'requesting a new recovery code leaves the earlier one working',
    'DOC: a new code replaces the earlier one (OWASP Forgot Password: single use)',
  ),
  defect(
    'recovery-code-never-expires',
    'security',
    'recovery codes never expire',
    'OWASP Forgot Password Cheat Sheet: a recovery code expires',
  ),
  defect(
    'recovery-code-expires-early',
    'behaviour',
    'recovery codes stop working a minute after they were mailed',
    'DOC: the mailed code changes the password (a user needs minutes to read the mail; the reference mail says it is valid for an hour)',
  ),
  defect(
    'recovery-code-race',
    'security',
    'concurrent password changes with one right recovery code can all succeed',
    'DOC: a recovery code changes the password once, also under concurrency',
  ),
  defect(
    'password-not-changed',
    'behaviour',
    'change-password-with-recovery-code answers 200 with the right code but keeps the old password',
    'DOC: the system validates the recovery code and updates the password',
  ),
  defect(
    'old-password-still-works',
    'security',
    'after a password change both the new and the old password log in',
    'DOC: the system updates the password (the old one stops working)',
  ),
  defect(
    'wrong-code-changes-password',
    'security',
    'a wrong recovery code is refused but the password is changed anyway',
    'DOC: the system validates the recovery code before it updates the password',
  ),
  defect(
    'login-any-password',
    'security',
    'login accepts any password for a registered address',
    'DOC: login checks the password of the user',
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
  defect(
    'problem-status-mismatch',
    'behaviour',
    'problem details carry a status other than the HTTP status',
    'RFC 9457 §3.1.2: the status member matches the response status',
  ),
  defect(
    'error-stack-trace',
    'security',
    'a refused login answers with a stack trace in the problem detail',
    'OWASP ASVS 4.0.3 V7.4.1: errors reveal no stack trace or internals',
  ),
] as const satisfies readonly DefectEntry[];

export type DefectName = (typeof LIST)[number]['name'];

export interface Defect extends DefectEntry {
  name: DefectName;
}

/** Every defect, in the order `facilioo-auth defects` lists them. */
export const DEFECTS: readonly Defect[] = LIST;

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
