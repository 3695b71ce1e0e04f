/**
 * Only Admin and Property Management Company tokens may unblock a recovery code (DOC), and then
 * the right code works again; other party types get 403, no token gets 401. The account's owner
 * is its own company, so another company's Property Management Company is refused as well.
 */
import type { AccountSlot } from '../../roles.ts';
import { WRONG_CODES_TO_BLOCK } from '../../target/ops/index.ts';
import type { CheckContext } from '../context.ts';
import { ensure } from '../expect.ts';
import { defineCheck } from '../registry.ts';
import { REF } from './common.ts';

async function unblockThenRightCodeWorks(ctx: CheckContext, slot: AccountSlot): Promise<void> {
  const recovery = ctx.recovery();
  const code = await recovery.block();
  const session = await ctx.login(slot);
  await ctx.expect.ok(
    `unblocking the recovery account as ${slot}`,
    session.client.unblockRecoveryCode(recovery.email),
  );
  recovery.markUnblocked();
  const attempt = await recovery.tryCode(code);
  ensure(
    attempt.accepted,
    `after ${slot} unblocked the recovery account, its right recovery code was refused (${attempt.status})`,
  );
}

async function refusedUnblock(ctx: CheckContext, slot: AccountSlot, status: number): Promise<void> {
  const recovery = ctx.recovery();
  const session = await ctx.login(slot);
  await ctx.expect.refused(
    `unblock-recovery-code as ${slot}`,
    session.client.unblockRecoveryCode(recovery.email),
    [status],
  );
}

export const unblockChecks = [
  defineCheck({
    id: 'unblock.property-management-company-unblocks',
    destructive: true,
    rule: "The account's Property Management Company may unblock a blocked recovery code, and the right code then works",
    kind: 'behaviour',
    enforces: 'unblock',
    catches: ['unblock-noop', 'unblock-by-pmc-refused', 'unblock-voids-code'],
    pacts: ['unblock-recovery-code: an unblock request from the owning Property Management Company'],
    needs: ['account:recovery', 'account:propertyManagementCompany', 'mailbox'],
    uses: ['recovery'],
    run: (ctx) => unblockThenRightCodeWorks(ctx, 'propertyManagementCompany'),
  }),

  defineCheck({
    id: 'unblock.admin-unblocks',
    destructive: true,
    rule: 'An Admin may unblock a blocked recovery code, and the right code then works',
    kind: 'behaviour',
    enforces: 'unblock',
    catches: ['unblock-noop', 'unblock-by-admin-refused', 'unblock-voids-code'],
    pacts: ['unblock-recovery-code: an unblock request from an Admin'],
    needs: ['account:recovery', 'account:admin', 'mailbox'],
    uses: ['recovery'],
    run: (ctx) => unblockThenRightCodeWorks(ctx, 'admin'),
  }),

  defineCheck({
    id: 'unblock.resets-count',
    destructive: true,
    rule: `After an unblock the count starts again: ${WRONG_CODES_TO_BLOCK - 1} wrong codes leave the right one working`,
    kind: 'behaviour',
    enforces: 'unblock',
    catches: ['unblock-keeps-count'],
    needs: ['account:recovery', 'account:propertyManagementCompany', 'mailbox'],
    uses: ['recovery'],
    async run(ctx) {
      const recovery = ctx.recovery();
      await recovery.block();
      const session = await ctx.login('propertyManagementCompany');
      await ctx.expect.ok(
        'unblocking the recovery account as propertyManagementCompany',
        session.client.unblockRecoveryCode(recovery.email),
      );
      recovery.markUnblocked();
      const code = await recovery.block(WRONG_CODES_TO_BLOCK - 1);
      const attempt = await recovery.tryCode(code);
      ensure(
        attempt.accepted,
        `after an unblock and ${WRONG_CODES_TO_BLOCK - 1} wrong codes the right code was refused (${attempt.status}): the unblock did not reset the wrong-code count`,
      );
    },
  }),

  defineCheck({
    id: 'unblock.contractor-refused',
    rule: 'A Contractor gets 403 from unblock-recovery-code',
    kind: 'behaviour',
    enforces: 'unblock',
    catches: ['unblock-by-contractor'],
    pacts: ['unblock-recovery-code: an unblock request from a Contractor'],
    needs: ['account:recovery', 'account:contractor'],
    // A server that wrongly obeys would unblock the account under another check's feet.
    uses: ['recovery'],
    run: (ctx) => refusedUnblock(ctx, 'contractor', 403),
  }),

  defineCheck({
    id: 'unblock.user-refused',
    rule: 'A User gets 403 from unblock-recovery-code',
    kind: 'behaviour',
    enforces: 'unblock',
    catches: ['unblock-by-user'],
    needs: ['account:recovery', 'account:user'],
    uses: ['recovery'],
    run: (ctx) => refusedUnblock(ctx, 'user', 403),
  }),

  defineCheck({
    id: 'unblock.without-token-refused',
    rule: 'unblock-recovery-code without an access token gets 401',
    kind: 'behaviour',
    enforces: 'unblock',
    catches: ['unblock-without-token'],
    pacts: ['unblock-recovery-code: an unblock request without a token'],
    needs: ['account:recovery'],
    uses: ['recovery'],
    async run(ctx) {
      const recovery = ctx.recovery();
      const { client } = ctx.client();
      await ctx.expect.refused(
        'unblock-recovery-code without a token',
        client.unblockRecoveryCode(recovery.email),
        [401],
      );
    },
  }),

  defineCheck({
    id: 'unblock.other-company-refused',
    rule: "Another company's Property Management Company gets 403 from unblock-recovery-code",
    kind: 'security',
    enforces: 'unblock',
    catches: ['unblock-cross-company'],
    severity: 'high',
    references: [REF.objectAuthorization],
    needs: ['account:recovery', 'account:otherCompanyPropertyManagementCompany'],
    uses: ['recovery'],
    run: (ctx) => refusedUnblock(ctx, 'otherCompanyPropertyManagementCompany', 403),
  }),
];
