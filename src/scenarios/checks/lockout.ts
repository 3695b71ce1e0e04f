/**
 * Five wrong recovery codes block recovery for 24 hours (DOC): while blocked even the right code
 * fails, a new code does not lift the block, and the block ends after 24 hours — not before.
 * Guesses sent all at once must be counted as well as guesses sent one by one.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import { BLOCK_HOURS, WRONG_CODES_TO_BLOCK } from '../../target/ops/index.ts';
import type { CheckContext } from '../context.ts';
import { ensure } from '../expect.ts';
import { defineCheck } from '../registry.ts';
import { REF } from './common.ts';

const PARALLEL_GUESSES = 20;
const BATCH_GRACE_MS = 25;

/**
 * Resolves once `count` change-password requests to the target have left the client (undici
 * reports each body it has written), so a request sent after that reaches the server behind
 * them — or once `settled` has, should the client report nothing.
 */
/** One round trip through the target that changes nothing: a protected call with a made-up token. */
async function barrier(ctx: CheckContext): Promise<void> {
  const { client } = ctx.client({ waitOnRateLimit: false });
  await client
    .request('GET', ctx.target.protectedPath, { headers: { authorization: 'Bearer barrier.not.a-token' } })
    .catch(() => undefined);
}

async function sentToServer(ctx: CheckContext, count: number, start: () => Promise<unknown>): Promise<void> {
  const origin = new URL(ctx.target.baseUrl).origin;
  const path = ctx.target.paths.changePasswordWithRecoveryCode;
  let seen = 0;
  let onSent: (message: unknown) => void = () => {};
  const sent = new Promise<void>((resolve) => {
    onSent = (message) => {
      const request = (message as { request?: { origin?: string; path?: string } }).request;
      if (request?.origin === origin && request.path === path && ++seen >= count) resolve();
    };
  });
  subscribe('undici:request:bodySent', onSent);
  try {
    await Promise.race([sent, start()]);
  } finally {
    unsubscribe('undici:request:bodySent', onSent);
  }
}

export const lockoutChecks = [
  defineCheck({
    id: 'lockout.five-wrong-codes-block',
    destructive: true,
    rule: `After ${WRONG_CODES_TO_BLOCK} wrong recovery codes even the right code is refused`,
    kind: 'behaviour',
    enforces: 'lockout',
    catches: ['lockout-after-six', 'right-code-while-blocked', 'blocked-change-applies'],
    pacts: [
      'change-password-with-recovery-code: a password change with the right recovery code while recovery is blocked',
    ],
    needs: ['account:recovery', 'mailbox'],
    uses: ['recovery'],
    async run(ctx) {
      const recovery = ctx.recovery();
      const code = await recovery.block();
      const attempt = await recovery.tryCode(code);
      ensure(
        !attempt.accepted,
        `the right recovery code was accepted (${attempt.status}) after ${WRONG_CODES_TO_BLOCK} wrong ones: recovery was not blocked`,
      );
      ensure(
        !(await recovery.passwordWorks(attempt.password)),
        `the right code was refused (${attempt.status}) while blocked, but the password it carried logs in: the refusal changed the password`,
      );
    },
  }),

  defineCheck({
    id: 'lockout.four-wrong-codes-do-not-block',
    destructive: true,
    rule: `After ${WRONG_CODES_TO_BLOCK - 1} wrong recovery codes the right one still changes the password`,
    kind: 'behaviour',
    enforces: 'lockout',
    catches: ['lockout-after-four'],
    needs: ['account:recovery', 'mailbox'],
    uses: ['recovery'],
    async run(ctx) {
      const recovery = ctx.recovery();
      const code = await recovery.block(WRONG_CODES_TO_BLOCK - 1);
      const attempt = await recovery.tryCode(code);
      ensure(
        attempt.accepted,
        `the right recovery code was refused (${attempt.status}) after only ${WRONG_CODES_TO_BLOCK - 1} wrong ones: recovery blocks too early`,
      );
      ensure(
        await recovery.passwordWorks(attempt.password),
        'the right code was accepted, but its new password does not log in',
      );
    },
  }),

  defineCheck({
    id: 'lockout.new-code-does-not-lift-block',
    destructive: true,
    rule: 'Requesting a new recovery code while blocked does not lift the block',
    kind: 'behaviour',
    enforces: 'lockout',
    catches: ['new-code-lifts-block'],
    needs: ['account:recovery', 'mailbox'],
    uses: ['recovery'],
    async run(ctx) {
      const recovery = ctx.recovery();
      await recovery.block();
      const fresh = await recovery.requestCode();
      const attempt = await recovery.tryCode(fresh);
      ensure(
        !attempt.accepted,
        `a code requested while blocked was accepted (${attempt.status}): a new code lifts the block`,
      );
    },
  }),

  defineCheck({
    id: 'lockout.block-lasts-24-hours',
    destructive: true,
    rule: `A recovery block still holds a minute before ${BLOCK_HOURS} hours and has ended a minute after`,
    kind: 'behaviour',
    enforces: 'lockout',
    catches: ['lockout-one-hour', 'lockout-two-days'],
    needs: ['account:recovery', 'mailbox', 'control'],
    uses: ['recovery'],
    disturbs: ['clock'],
    async run(ctx) {
      const recovery = ctx.recovery();
      await recovery.block();
      await ctx.advanceClock(
        BLOCK_HOURS * 3600 - 60,
        `to a minute before the ${BLOCK_HOURS}-hour block ends`,
      );
      const early = await recovery.tryCode(await recovery.requestCode());
      ensure(
        !early.accepted,
        `a fresh recovery code was accepted (${early.status}) a minute before ${BLOCK_HOURS} hours: the block is shorter`,
      );
      await ctx.advanceClock(120, `to a minute after the ${BLOCK_HOURS}-hour block ends`);
      const late = await recovery.tryCode(await recovery.requestCode());
      ensure(
        late.accepted,
        `a fresh recovery code was refused (${late.status}) a minute after ${BLOCK_HOURS} hours: the block lasts longer`,
      );
    },
  }),

  defineCheck({
    id: 'lockout.right-code-in-concurrent-batch-refused',
    destructive: true,
    rule: `The right recovery code sent right behind ${PARALLEL_GUESSES} concurrent wrong ones is refused`,
    kind: 'security',
    severity: 'high',
    references: [REF.antiAutomation, REF.brokenAuthentication],
    enforces: 'lockout',
    catches: ['lockout-check-then-act'],
    needs: ['account:recovery', 'mailbox'],
    uses: ['recovery'],
    async run(ctx) {
      const recovery = ctx.recovery();
      const code = await recovery.requestCode();
      const burst = await ctx.burstClient(PARALLEL_GUESSES + 1);
      recovery.markMaybeBlocked();
      let guesses: Promise<unknown> = Promise.resolve();
      await sentToServer(ctx, PARALLEL_GUESSES, () => {
        guesses = Promise.all(
          Array.from({ length: PARALLEL_GUESSES }, (_, i) => recovery.wrongAttempt(code, i + 1, burst)),
        );
        return guesses.catch(() => undefined);
      });
      // An attacker's batch holds candidates: the right one travels behind enough wrong ones to block.
      // A correct server must have read the wrong ones first: a moment's grace, then one round trip
      // through the server (a refused protected call, counted nowhere) after they were delivered —
      // on a busy server that round trip waits as long as the reading does, so the order holds
      // however slow the machine is, while a check-then-act window stays open past it.
      await sleep(BATCH_GRACE_MS);
      await barrier(ctx);
      const right = recovery.tryCode(code, burst);
      await guesses;
      const attempt = await right;
      recovery.markMaybeBlocked();
      ensure(
        !attempt.accepted,
        `the right recovery code, sent behind ${PARALLEL_GUESSES} concurrent wrong ones, was accepted (${attempt.status}): the block is checked before the wrong codes are counted`,
      );
    },
  }),

  defineCheck({
    id: 'lockout.new-code-keeps-count',
    destructive: true,
    rule: `Wrong codes count per account: 3 against one code and 2 against a newer one block recovery`,
    kind: 'security',
    severity: 'high',
    references: [REF.antiAutomation, REF.forgotPassword],
    enforces: 'lockout',
    source: 'OWASP',
    catches: ['new-code-resets-count', 'new-code-lifts-block'],
    needs: ['account:recovery', 'mailbox'],
    uses: ['recovery'],
    async run(ctx) {
      const recovery = ctx.recovery();
      await recovery.block(3);
      const fresh = await recovery.block(WRONG_CODES_TO_BLOCK - 3);
      const attempt = await recovery.tryCode(fresh);
      ensure(
        !attempt.accepted,
        `the right code was accepted (${attempt.status}) after 3 wrong codes, a new code and 2 more wrong ones: a new code resets the count, so guessing never blocks`,
      );
    },
  }),

  defineCheck({
    id: 'lockout.parallel-guesses-blocked',
    destructive: true,
    rule: `${PARALLEL_GUESSES} wrong recovery codes sent at once block recovery like ${WRONG_CODES_TO_BLOCK} sent one by one`,
    kind: 'security',
    enforces: 'lockout',
    catches: ['lockout-race'],
    severity: 'high',
    references: [REF.antiAutomation, REF.brokenAuthentication],
    needs: ['account:recovery', 'mailbox'],
    uses: ['recovery'],
    async run(ctx) {
      const recovery = ctx.recovery();
      const code = await recovery.requestCode();
      recovery.markMaybeBlocked();
      await Promise.all(
        Array.from({ length: PARALLEL_GUESSES }, (_, i) => recovery.wrongAttempt(code, i + 1)),
      );
      const attempt = await recovery.tryCode(code);
      ensure(
        !attempt.accepted,
        `the right recovery code was accepted (${attempt.status}) after ${PARALLEL_GUESSES} concurrent wrong ones: concurrent guesses are not all counted`,
      );
    },
  }),
];
