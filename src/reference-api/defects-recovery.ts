/** What a server can get wrong about recovery; each entry names the rule it breaks. */
import { type DefectEntry, defect } from './defect-entry.ts';

/** Recovery codes, the lockout around them, unblocking and recover-password. */
export const RECOVERY_DEFECTS = [
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
] as const satisfies readonly DefectEntry[];
