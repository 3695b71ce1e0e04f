/**
 * Refresh tokens are one-time (DOC): each refresh answers a new pair whose refresh token differs
 * from the one spent, the spent one is dead, the new one lives. Beyond the document, a replayed
 * spent token should kill its whole family, concurrent use should yield one successor at most,
 * and a password change should end every family (RFC 9700 §4.14.2).
 */
import { decodeToken } from '../../jwt/index.ts';
import { ensure } from '../expect.ts';
import { defineCheck } from '../registry.ts';
import { getProtectedWith, REF, refreshWith } from './common.ts';

const CONCURRENT_REFRESHES = 10;

export const refreshChecks = [
  defineCheck({
    id: 'refresh.rotates',
    rule: 'A refresh answers a new access token and a new refresh token that differs from the spent one',
    kind: 'behaviour',
    enforces: 'refresh-one-time',
    catches: ['refresh-not-rotated', 'refresh-token-renamed', 'refresh-token-not-string'],
    pacts: ['refresh: a refresh with the live token'],
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
    enforces: 'refresh-one-time',
    catches: ['refresh-token-reusable', 'refresh-reuse-grace'],
    pacts: ['refresh: a refresh with the spent token'],
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
    enforces: 'refresh-one-time',
    catches: ['refresh-new-token-dead'],
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
    id: 'refresh.expired-refresh-token-refused',
    rule: 'A refresh token is refused after its exp',
    kind: 'security',
    severity: 'medium',
    references: [REF.refreshRotation, REF.validateCrypto],
    enforces: 'refresh-one-time',
    catches: ['refresh-token-never-expires'],
    needs: ['account:user', 'control'],
    disturbs: ['clock'],
    async run(ctx) {
      const session = await ctx.login('user');
      let exp: unknown;
      try {
        ({ exp } = decodeToken(session.tokens.refreshToken).claims);
      } catch {
        ctx.skip('the refresh token is not a JWT, so its lifetime is not visible (OPEN)');
      }
      if (typeof exp !== 'number') return ctx.skip('the refresh token carries no exp: its lifetime is OPEN');
      const seconds =
        Math.ceil(exp - (await ctx.serverNow()) / 1000) + ctx.target.options.tokenLeewaySeconds + 1;
      await ctx.advanceClock(Math.max(1, seconds), "past the refresh token's exp");
      await ctx.expect.refused(
        'refresh with a refresh token past its exp',
        refreshWith(ctx, session.tokens.refreshToken),
      );
    },
  }),

  defineCheck({
    id: 'refresh.replay-revokes-family',
    rule: 'Replaying a spent refresh token revokes its whole family, including the newest refresh token',
    kind: 'security',
    enforces: 'refresh-family',
    catches: ['no-family-revocation'],
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
    enforces: 'refresh-one-time',
    catches: ['refresh-race'],
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
    enforces: 'refresh-family',
    catches: ['refresh-survives-password-change'],
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
