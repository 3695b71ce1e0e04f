/**
 * Five wrong recovery codes block recovery for 24 hours (DOC): while blocked even the right code
 * fails, a new code does not lift the block, and the block ends after 24 hours — not before.
 * Guesses sent all at once must be counted as well as guesses sent one by one.
 */

import { BLOCK_HOURS, WRONG_CODES_TO_BLOCK } from '../../target/ops/index.ts';
import { ensure } from '../expect.ts';
import { defineCheck } from '../registry.ts';
import { REF } from './common.ts';

const PARALLEL_GUESSES = 20;

export const lockoutChecks = [
  defineCheck({
    id: 'lockout.five-wrong-codes-block',
    rule: `After ${WRONG_CODES_TO_BLOCK} wrong recovery codes even the right code is refused`,
    kind: 'behaviour',
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
    },
  }),

  defineCheck({
    id: 'lockout.new-code-does-not-lift-block',
    rule: 'Requesting a new recovery code while blocked does not lift the block',
    kind: 'behaviour',
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
    rule: `A recovery block still holds a minute before ${BLOCK_HOURS} hours and has ended a minute after`,
    kind: 'behaviour',
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
    id: 'lockout.parallel-guesses-blocked',
    rule: `${PARALLEL_GUESSES} wrong recovery codes sent at once block recovery like ${WRONG_CODES_TO_BLOCK} sent one by one`,
    kind: 'security',
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
