/**
 * The rules the suite enforces, each once: what the document (or the standard behind a security
 * finding) says, where the reference API implements it, and which pact interactions pin it. Checks
 * name the rule they enforce (`enforces`); docs/rules.md is generated from this table and the
 * checks' metadata, so a newcomer finds everything about one rule in one row.
 */

/** Where a rule comes from: the spec's markers (DOC/HUB/OPEN/SEEN), or a standard for findings. */
export type Source = 'DOC' | 'HUB' | 'OPEN' | 'SEEN' | 'RFC' | 'ASVS' | 'OWASP';

export interface Rule {
  /** The rule as a sentence. */
  statement: string;
  source: Source;
  /** Where the rule is stated: the document's words, or the section of the standard. */
  citation: string;
  /** Files of the reference API that implement it. */
  implementation: readonly string[];
  /** Pact interactions that pin the same rule, as `<pact file>: <interaction description>`. */
  pacts: readonly string[];
}

const rule = (r: Rule) => r;

export const RULES = {
  login: rule({
    statement: 'Login with the right password answers a token pair; a wrong password is refused',
    source: 'DOC',
    citation: 'DOC "Login": bearer tokens are obtained from /api/auth/login',
    implementation: ['src/reference-api/routes/auth.ts', 'src/reference-api/accounts.ts'],
    pacts: [
      'login: a login with the right password that skips multi-factor authentication',
      'login: a login with a wrong password',
    ],
  }),
  'refresh-one-time': rule({
    statement:
      'A refresh token works exactly once, also under concurrency; the refresh answers a new pair whose refresh token differs and works, until it expires',
    source: 'DOC',
    citation:
      'DOC "Refresh": one-time usable refresh token; the newly received refresh token is used from then on',
    implementation: ['src/reference-api/tokens.ts'],
    pacts: ['refresh: a refresh with the live token', 'refresh: a refresh with the spent token'],
  }),
  'refresh-family': rule({
    statement:
      'Replaying a spent refresh token revokes its whole family; a password change revokes every refresh token issued before it, and only those',
    source: 'RFC',
    citation: 'RFC 9700 §4.14.2; OWASP ASVS 4.0.3 V3.3.3',
    implementation: ['src/reference-api/tokens.ts', 'src/reference-api/routes/auth.ts'],
    pacts: [],
  }),
  'expired-access-401': rule({
    statement:
      'An access token works until its exp and gets 401 with a Bearer challenge after it; the client then refreshes once and retries once',
    source: 'DOC',
    citation: 'DOC "Refresh": when an access token reaches its expiration, any API call answers 401',
    implementation: ['src/reference-api/tokens.ts', 'src/reference-api/http.ts', 'src/client/'],
    pacts: [
      'accounts-myself: a request for the own account with a live access token',
      'accounts-myself: a request for the own account with an expired access token',
    ],
  }),
  'token-layout': rule({
    statement:
      'The access token is a JWT with the documented claims (nbf ≤ now < exp, iss and aud of the environment, sub {accountId, companyId}), signed by a published key, from login and refresh alike',
    source: 'DOC',
    citation: 'DOC "Access Token (JWT)": the example header, payload and keys',
    implementation: ['src/reference-api/tokens.ts'],
    pacts: ['login: a login with the right password that skips multi-factor authentication'],
  }),
  'token-lifetime': rule({
    statement: 'Access tokens are short-lived (at most the documented example’s hour)',
    source: 'RFC',
    citation: 'RFC 6819 §5.1.5.3',
    implementation: ['src/reference-api/tokens.ts', 'src/reference-api/options.ts'],
    pacts: [],
  }),
  'forged-refused': rule({
    statement:
      'Forged tokens (alg none, HS256 keyed with the public key, tampered payload, garbage) are refused on every endpoint, never with a 5xx',
    source: 'RFC',
    citation: 'RFC 8725 §3.1, §3.3; OWASP ASVS 4.0.3 V3.5.3',
    implementation: ['src/reference-api/tokens.ts', 'src/reference-api/http.ts'],
    pacts: ['refresh: a refresh with a token the API never issued'],
  }),
  'token-typing': rule({
    statement: 'An access token is no refresh token and a refresh token no access token',
    source: 'RFC',
    citation: 'RFC 8725 §3.11, §3.12',
    implementation: ['src/reference-api/tokens.ts'],
    pacts: [],
  }),
  'recovery-code': rule({
    statement:
      'recover-password mails a code; the right code changes the password once (the new one logs in, the old one does not); a wrong, replaced, spent or expired code changes nothing',
    source: 'DOC',
    citation:
      'DOC "Customer App Password Reset Flow" 1–2: sends an email with a recovery code; validates the code and updates the password',
    implementation: ['src/reference-api/recovery.ts', 'src/reference-api/routes/auth.ts'],
    pacts: [
      'change-password-with-recovery-code: a password change with the right recovery code',
      'change-password-with-recovery-code: a password change with a wrong recovery code',
      'recover-password: a password recovery request for a registered address',
    ],
  }),
  lockout: rule({
    statement:
      'Five wrong recovery codes — not four, not six, however they arrive — block recovery for 24 hours, not less and not more; while blocked even the right code fails and changes nothing; a new code does not lift the block',
    source: 'DOC',
    citation:
      'DOC "Change Password Using Recovery Code": if the user enters the wrong recovery code 5 times, the account is blocked for 24 hours',
    implementation: ['src/reference-api/recovery.ts', 'src/reference-api/routes/auth.ts'],
    pacts: [
      'change-password-with-recovery-code: a password change with the right recovery code while recovery is blocked',
    ],
  }),
  unblock: rule({
    statement:
      "Only an Admin or the account's Property Management Company may unblock (others 403, no token 401); an unblock lifts the block, resets the count and leaves the issued code working",
    source: 'DOC',
    citation:
      'DOC "Unblock Recovery Code": requires an Admin or PropertyManagementCompany role; the owner of the account can unblock',
    implementation: ['src/reference-api/routes/account.ts', 'src/reference-api/recovery.ts'],
    pacts: [
      'unblock-recovery-code: an unblock request from an Admin',
      'unblock-recovery-code: an unblock request from the owning Property Management Company',
      'unblock-recovery-code: an unblock request from a Contractor',
      'unblock-recovery-code: an unblock request without a token',
    ],
  }),
  'rate-limited': rule({
    statement:
      'recover-password is rate limited for every address, says when to retry, and admits requests again after that',
    source: 'DOC',
    citation: 'DOC "Initiate Password Recovery": rate limited using the DefaultRateLimitAuth policy',
    implementation: ['src/reference-api/rate-limiter.ts', 'src/reference-api/app.ts'],
    pacts: ['recover-password: a password recovery request over the rate limit'],
  }),
  'no-enumeration': rule({
    statement: 'recover-password answers known and unknown addresses alike, in body and in timing',
    source: 'OWASP',
    citation: 'OWASP Forgot Password Cheat Sheet; OWASP WSTG-IDNT-04',
    implementation: ['src/reference-api/routes/auth.ts'],
    pacts: ['recover-password: a password recovery request for an address that belongs to no account'],
  }),
  'problem-details': rule({
    statement: 'Errors are RFC 9457 problem details whose status matches, with no stack trace',
    source: 'RFC',
    citation: 'RFC 9457 §3; OWASP ASVS 4.0.3 V7.4.1',
    implementation: ['src/reference-api/http.ts', 'src/reference-api/problem.ts'],
    pacts: ['login: a login with a wrong password'],
  }),
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];
