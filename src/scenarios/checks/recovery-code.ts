/**
 * The mailed recovery code (DOC): it arrives, and the right code changes the password — with an
 * effect, not only a 200: the new password logs in, the old one does not, and a session started
 * with the new one refreshes. A code is one-time: spent, replaced by a newer one, expired or sent
 * twice at once, it changes nothing; a wrong code changes nothing either.
 */

import type { RecoveryAccount } from '../../target/ops/index.ts';
import { ensure } from '../expect.ts';
import { defineCheck } from '../registry.ts';
import { REF } from './common.ts';

const CONCURRENT_CHANGES = 10;
/** A user reads the mail within minutes; a code that dies sooner is useless. */
const CODE_STILL_WORKS_AFTER_SECONDS = 5 * 60;
/** A code still working a day later waits in a mailbox for anyone who gets in. */
const CODE_DEAD_AFTER_SECONDS = 24 * 3600 + 60;

/** The password `password` logs in and the one before it does not: the change took effect. */
async function ensurePasswordIs(recovery: RecoveryAccount, password: string, what: string): Promise<void> {
  ensure(
    await recovery.passwordWorks(password),
    `${what} answered success, but the new password does not log in: the password did not change`,
  );
  ensure(
    !(await recovery.passwordWorks()),
    `${what} answered success, but the old password (the target file's) still logs in`,
  );
}

/** A refused attempt left the password alone: the attempt's password fails, the target file's works. */
async function ensureUnchanged(recovery: RecoveryAccount, password: string, what: string): Promise<void> {
  ensure(
    !(await recovery.passwordWorks(password)),
    `${what} was refused, but its new password logs in: the refusal changed the password anyway`,
  );
  ensure(
    await recovery.passwordWorks(),
    `${what} was refused, but the target file's password no longer logs in: the refusal changed the password`,
  );
}

export const recoveryCodeChecks = [
  defineCheck({
    id: 'recovery-code.arrives-by-mail',
    rule: 'recover-password for a registered address mails a recovery code',
    kind: 'behaviour',
    enforces: 'recovery-code',
    catches: ['recovery-mail-never-sent'],
    pacts: ['recover-password: a password recovery request for a registered address'],
    needs: ['account:recovery', 'mailbox'],
    uses: ['recovery'],
    async run(ctx) {
      const code = await ctx.recovery().requestCode();
      ensure(code.length > 0, 'the recovery mail carries an empty code');
    },
  }),

  defineCheck({
    id: 'recovery-code.changes-password',
    destructive: true,
    rule: 'The right recovery code changes the password: the new one logs in and refreshes, the old one is refused',
    kind: 'behaviour',
    enforces: 'recovery-code',
    catches: [
      'password-not-changed',
      'old-password-still-works',
      'password-change-revokes-later-sessions',
      'recovery-mail-wrong-code',
      'login-any-password',
    ],
    pacts: ['change-password-with-recovery-code: a password change with the right recovery code'],
    needs: ['account:recovery', 'mailbox'],
    uses: ['recovery'],
    async run(ctx) {
      const recovery = ctx.recovery();
      const change = await recovery.tryCode(await recovery.requestCode());
      ensure(change.accepted, `the right recovery code from the mail was refused (${change.status})`);
      await ensurePasswordIs(recovery, change.password, 'the password change');
      const { client } = ctx.client();
      const session = await ctx.expect.ok(
        'logging in with the new password',
        client.login({ email: recovery.email, password: change.password }),
      );
      await ctx.expect.ok(
        'refreshing a session started after the password change',
        client.refresh(session.refreshToken),
      );
    },
  }),

  defineCheck({
    id: 'recovery-code.wrong-code-changes-nothing',
    destructive: true,
    rule: 'A wrong recovery code is refused and leaves the password as it was',
    kind: 'security',
    severity: 'critical',
    references: [REF.forgotPassword, REF.brokenAuthentication],
    enforces: 'recovery-code',
    catches: ['wrong-code-changes-password'],
    pacts: ['change-password-with-recovery-code: a password change with a wrong recovery code'],
    needs: ['account:recovery', 'mailbox'],
    uses: ['recovery'],
    async run(ctx) {
      const recovery = ctx.recovery();
      const code = await recovery.requestCode();
      const attempt = await recovery.wrongAttempt(code);
      await ensureUnchanged(recovery, attempt.password, 'a wrong recovery code');
    },
  }),

  defineCheck({
    id: 'recovery-code.single-use',
    destructive: true,
    rule: 'A recovery code that changed the password is refused the second time and changes nothing',
    kind: 'security',
    severity: 'high',
    references: [REF.forgotPassword],
    enforces: 'recovery-code',
    catches: ['recovery-code-reusable'],
    needs: ['account:recovery', 'mailbox'],
    uses: ['recovery'],
    async run(ctx) {
      const recovery = ctx.recovery();
      const code = await recovery.requestCode();
      const first = await recovery.tryCode(code);
      ensure(first.accepted, `the right recovery code was refused (${first.status})`);
      const second = await recovery.tryCode(code);
      ensure(
        !second.accepted,
        `the spent recovery code was accepted again (${second.status}): a recovery code works more than once`,
      );
      ensure(
        await recovery.passwordWorks(first.password),
        'after the spent code was refused, the password it set first no longer logs in: the refusal changed it',
      );
    },
  }),

  defineCheck({
    id: 'recovery-code.replaced-by-new-code',
    destructive: true,
    rule: 'Requesting a new recovery code voids the earlier one; the new one works',
    kind: 'security',
    severity: 'medium',
    references: [REF.forgotPassword],
    enforces: 'recovery-code',
    catches: ['old-code-valid-after-new'],
    needs: ['account:recovery', 'mailbox'],
    uses: ['recovery'],
    async run(ctx) {
      const recovery = ctx.recovery();
      const old = await recovery.requestCode();
      const fresh = await recovery.requestCode();
      ensure(old !== fresh, 'the second recovery mail carries the same code as the first');
      const stale = await recovery.tryCode(old);
      ensure(
        !stale.accepted,
        `the earlier recovery code was accepted (${stale.status}) after a new one was mailed: a new code does not void the old`,
      );
      const current = await recovery.tryCode(fresh);
      ensure(current.accepted, `the newest recovery code was refused (${current.status})`);
    },
  }),

  defineCheck({
    id: 'recovery-code.expires',
    destructive: true,
    rule: `A recovery code still works ${CODE_STILL_WORKS_AFTER_SECONDS / 60} minutes after it was mailed, and no longer a day later`,
    kind: 'security',
    severity: 'medium',
    references: [REF.forgotPassword],
    enforces: 'recovery-code',
    source: 'OWASP',
    catches: ['recovery-code-never-expires', 'recovery-code-expires-early'],
    needs: ['account:recovery', 'mailbox', 'control'],
    uses: ['recovery'],
    disturbs: ['clock'],
    async run(ctx) {
      const recovery = ctx.recovery();
      const early = await recovery.requestCode();
      await ctx.advanceClock(CODE_STILL_WORKS_AFTER_SECONDS, 'to a few minutes after the code was mailed');
      const inTime = await recovery.tryCode(early);
      ensure(
        inTime.accepted,
        `a recovery code was refused (${inTime.status}) ${CODE_STILL_WORKS_AFTER_SECONDS / 60} minutes after it was mailed: codes expire too early to be used`,
      );
      const late = await recovery.requestCode();
      await ctx.advanceClock(CODE_DEAD_AFTER_SECONDS, 'to a day after the code was mailed');
      const stale = await recovery.tryCode(late);
      ensure(
        !stale.accepted,
        `a recovery code was accepted (${stale.status}) a day after it was mailed: recovery codes do not expire`,
      );
    },
  }),

  defineCheck({
    id: 'recovery-code.concurrent-use-one-success',
    destructive: true,
    rule: `${CONCURRENT_CHANGES} concurrent password changes with one right recovery code: at most one succeeds, and its password is the one that logs in`,
    kind: 'security',
    severity: 'high',
    references: [REF.forgotPassword, REF.brokenAuthentication],
    enforces: 'recovery-code',
    catches: ['recovery-code-race'],
    needs: ['account:recovery', 'mailbox'],
    uses: ['recovery'],
    async run(ctx) {
      const recovery = ctx.recovery();
      const code = await recovery.requestCode();
      const burst = await ctx.burstClient(CONCURRENT_CHANGES);
      const attempts = await Promise.all(
        Array.from({ length: CONCURRENT_CHANGES }, () => recovery.tryCode(code, burst)),
      );
      // The refused ones count as wrong codes: with enough of them recovery is now blocked.
      recovery.markMaybeBlocked();
      const accepted = attempts.filter((attempt) => attempt.accepted);
      ensure(
        accepted.length <= 1,
        `${accepted.length} of ${CONCURRENT_CHANGES} concurrent password changes with one recovery code succeeded: a one-time code was spent ${accepted.length} times`,
      );
      if (accepted[0]) await ensurePasswordIs(recovery, accepted[0].password, 'the one password change');
    },
  }),
];
