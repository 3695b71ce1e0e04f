/** What a server can get wrong about tokens; each entry names the rule it breaks. */
import { type DefectEntry, defect } from './defect-entry.ts';

/** Refresh tokens and access tokens: rotation, expiry, verification and claims. */
export const TOKEN_DEFECTS = [
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
] as const satisfies readonly DefectEntry[];
