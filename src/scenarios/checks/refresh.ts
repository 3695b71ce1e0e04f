/**
 * Refresh tokens are one-time (DOC): each refresh answers a new pair whose refresh token differs
 * from the one spent, the spent one is dead, the new one lives. Beyond the document, a replayed
 * spent token should kill its whole family, concurrent use should yield one successor at most,
 * and a password change should end every family (RFC 9700 §4.14.2).
 */
import { ensure } from '../expect.ts';
import { defineCheck } from '../registry.ts';
import { getProtectedWith, REF, refreshWith } from './common.ts';

const CONCURRENT_REFRESHES = 10;

export const refreshChecks = [
  defineCheck({
    id: 'refresh.rotates',
    rule: 'A refresh answers a new access token and a new refresh token that differs from the spent one',
    kind: 'behaviour',
    needs: ['account:user'],
    async run(ctx) {
      const session = await ctx.login('user');
      const next = await ctx.expect.ok('refreshing with the login refresh token', session.client.refresh());
      ensure(
        next.refreshToken !== session.tokens.refreshToken,
        'the refresh answered the same refresh token it was given: refresh tokens are not rotated',
      );
      await ctx.expect.ok(
        'calling the protected endpoint with the new access token',
        getProtectedWith(ctx, next.accessToken),
      );
    },
  }),

  defineCheck({
    id: 'refresh.spent-token-rejected',
    rule: 'A spent refresh token is rejected',
    kind: 'behaviour',
    needs: ['account:user'],
    async run(ctx) {
      const session = await ctx.login('user');
      const spent = session.tokens.refreshToken;
      await ctx.expect.ok('the first refresh', session.client.refresh(spent));
      await ctx.expect.refused(
        'a second refresh with the same (spent) refresh token',
        refreshWith(ctx, spent),
      );
    },
  }),

  defineCheck({
    id: 'refresh.new-token-works',
    rule: 'The refresh token a refresh answers works for the next refresh',
    kind: 'behaviour',
    needs: ['account:user'],
    async run(ctx) {
      const session = await ctx.login('user');
      const second = await ctx.expect.ok(
        'the first refresh',
        session.client.refresh(session.tokens.refreshToken),
      );
      const third = await ctx.expect.ok(
        'refreshing with the refresh token the first refresh answered',
        session.client.refresh(second.refreshToken),
      );
      await ctx.expect.ok(
        'calling the protected endpoint with the newest access token',
        getProtectedWith(ctx, third.accessToken),
      );
    },
  }),

  defineCheck({
    id: 'refresh.replay-revokes-family',
    rule: 'Replaying a spent refresh token revokes its whole family, including the newest refresh token',
    kind: 'security',
    severity: 'high',
    references: [REF.refreshRotation],
    needs: ['account:user'],
    async run(ctx) {
      const session = await ctx.login('user');
      const spent = session.tokens.refreshToken;
      const current = await ctx.expect.ok('the first refresh', session.client.refresh(spent));
      await ctx.expect.refused('the replayed spent refresh token', refreshWith(ctx, spent));
      await ctx.expect.refused(
        'the newest refresh token of the family after a replay of its spent predecessor',
        refreshWith(ctx, current.refreshToken),
      );
    },
  }),

  defineCheck({
    id: 'refresh.concurrent-use-one-successor',
    rule: `${CONCURRENT_REFRESHES} concurrent refreshes with one refresh token yield at most one new pair`,
    kind: 'security',
    severity: 'high',
    references: [REF.refreshRotation, REF.brokenAuthentication],
    needs: ['account:user'],
    async run(ctx) {
      const session = await ctx.login('user');
      const token = session.tokens.refreshToken;
      const burst = await ctx.burstClient(CONCURRENT_REFRESHES);
      const outcomes = await Promise.allSettled(
        Array.from({ length: CONCURRENT_REFRESHES }, () => burst.client.refresh(token)),
      );
      const successes = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
      ensure(
        successes <= 1,
        `${successes} of ${CONCURRENT_REFRESHES} concurrent refreshes with one refresh token succeeded: a one-time token was spent ${successes} times`,
      );
    },
  }),

  defineCheck({
    id: 'refresh.password-change-revokes',
    destructive: true,
    rule: 'A password change through a recovery code revokes the refresh tokens issued before it',
    kind: 'security',
    severity: 'high',
    references: [REF.refreshRotation, REF.terminateSessions],
    needs: ['account:recovery', 'mailbox'],
    uses: ['recovery'],
    async run(ctx) {
      const recovery = ctx.recovery();
      const session = await ctx.login('recovery');
      const code = await recovery.requestCode();
      const change = await recovery.tryCode(code);
      ensure(
        change.accepted,
        `the right recovery code was refused (${change.status}), so no password changed`,
      );
      await ctx.expect.refused(
        'a refresh token issued before the password change',
        refreshWith(ctx, session.tokens.refreshToken),
      );
    },
  }),
];
