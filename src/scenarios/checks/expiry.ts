/**
 * An expired access token makes any call answer 401 (DOC), named as a Bearer challenge, and a
 * client then refreshes once and retries once; many calls failing together still cause exactly
 * one refresh, or all but one would spend an already spent refresh token. The client's side
 * needs only a 401, so it is checked on every target: with an expired token where expiry can be
 * had (clock control, short tokens), else with the same token under a broken signature.
 */
import { ApiError } from '../../client/index.ts';
import { decodeToken } from '../../jwt/index.ts';
import { ensure } from '../expect.ts';
import { defineCheck } from '../registry.ts';
import { getProtectedWith } from './common.ts';

const CONCURRENT_CALLS = 20;

export const expiryChecks = [
  defineCheck({
    id: 'expiry.expired-token-gets-401',
    rule: 'An expired access token gets 401 with a WWW-Authenticate: Bearer challenge on the protected endpoint',
    kind: 'behaviour',
    enforces: 'expired-access-401',
    catches: [
      'expired-token-accepted',
      'no-www-authenticate',
      'expired-token-grace-hour',
      'expired-token-403',
      'www-authenticate-basic',
    ],
    pacts: ['accounts-myself: a request for the own account with an expired access token'],
    needs: ['account:user'],
    disturbs: ['clock'],
    async run(ctx) {
      const session = await ctx.login('user');
      await ctx.expire(session.tokens.accessToken);
      const refusal = await ctx.expect.refused(
        'the protected endpoint with an expired access token',
        getProtectedWith(ctx, session.tokens.accessToken),
        [401],
      );
      const challenge = refusal.headers['www-authenticate'];
      const text = Array.isArray(challenge) ? challenge.join(', ') : challenge;
      ensure(
        text !== undefined && /^\s*Bearer\b/i.test(text),
        `the 401 carries ${text === undefined ? 'no WWW-Authenticate header' : `WWW-Authenticate "${text}"`}; RFC 6750 §3 asks for a Bearer challenge`,
      );
    },
  }),

  defineCheck({
    id: 'expiry.live-token-accepted-until-exp',
    rule: 'An access token a minute before its exp still works on the protected endpoint',
    kind: 'behaviour',
    enforces: 'expired-access-401',
    catches: ['access-token-expires-early'],
    pacts: ['accounts-myself: a request for the own account with a live access token'],
    needs: ['account:user', 'control'],
    disturbs: ['clock'],
    async run(ctx) {
      const session = await ctx.login('user');
      const { exp } = decodeToken(session.tokens.accessToken).claims;
      ensure(typeof exp === 'number', 'the access token has no numeric exp claim');
      const seconds = Math.floor(exp - (await ctx.serverNow()) / 1000) - 60;
      if (seconds <= 0)
        return ctx.skip(
          `the access token lives ${seconds + 60} s, too short to look a minute before its end`,
        );
      await ctx.advanceClock(seconds, "to a minute before the access token's exp");
      await ctx.expect.ok(
        'the protected endpoint with an access token a minute before its exp',
        getProtectedWith(ctx, session.tokens.accessToken),
      );
    },
  }),

  defineCheck({
    id: 'expiry.client-refreshes-once-and-retries',
    rule: 'After a 401 for its access token the client refreshes once, retries once, and succeeds',
    kind: 'behaviour',
    enforces: 'expired-access-401',
    catches: ['expired-token-accepted', 'refresh-access-token-stale'],
    needs: ['account:user'],
    disturbs: ['clock'],
    async run(ctx) {
      const session = await ctx.login('user');
      const refusedBy = await ctx.refuseAccessToken(session);
      const before = session.exchanges.length;
      await ctx.expect.ok(
        `the protected call with an access token refused by ${refusedBy}`,
        session.client.requestProtected(),
      );
      const calls = session.exchanges.slice(before);
      const steps = calls.map((exchange) => `${exchange.route ?? 'protected'} ${exchange.status}`).join(', ');
      ensure(
        calls.length === 3 &&
          calls[0]?.status === 401 &&
          calls[1]?.route === 'refresh' &&
          calls[2]?.route === undefined &&
          calls[2]?.retryAfterRefresh === true,
        `expected 401 (access token refused by ${refusedBy}), one refresh, one retry; the client's exchanges were: ${steps}`,
      );
    },
  }),

  defineCheck({
    id: 'expiry.concurrent-401s-one-refresh',
    rule: `${CONCURRENT_CALLS} concurrent calls with a refused access token all succeed after exactly one refresh`,
    kind: 'behaviour',
    enforces: 'expired-access-401',
    catches: ['expired-token-accepted'],
    needs: ['account:user'],
    disturbs: ['clock'],
    async run(ctx) {
      const session = await ctx.login('user');
      await ctx.refuseAccessToken(session);
      // The server's own count when it offers one; else what the client sent (this check runs alone then too).
      const serverCount = async () => (ctx.control ? ((await ctx.control.stats()).refresh ?? 0) : undefined);
      const serverBefore = await serverCount();
      const clientBefore = session.refreshCount();
      const outcomes = await Promise.allSettled(
        Array.from({ length: CONCURRENT_CALLS }, () => session.client.requestProtected()),
      );
      const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
      if (failed.length > 0) {
        const first = (failed[0] as PromiseRejectedResult).reason;
        ensure(
          false,
          `${failed.length} of ${CONCURRENT_CALLS} concurrent calls failed, e.g. ${first instanceof ApiError || first instanceof Error ? first.message : String(first)}`,
        );
      }
      const serverAfter = await serverCount();
      const refreshes =
        serverBefore !== undefined && serverAfter !== undefined
          ? serverAfter - serverBefore
          : session.refreshCount() - clientBefore;
      const source = serverBefore !== undefined ? 'the server counted' : 'the client sent';
      ensure(
        refreshes === 1,
        `${source} ${refreshes} refresh calls for ${CONCURRENT_CALLS} concurrent 401s; expected exactly one`,
      );
    },
  }),
];
