/**
 * recover-password is rate limited (DOC, policy DefaultRateLimitAuth): a short burst meets the
 * limit, and the refusal says when to come back. The burst spends the budget every other check
 * shares, so these checks run alone and last, and give the budget back before they end.
 */
import { ApiError } from '../../client/index.ts';
import { parseRetryAfter } from '../../rate-limit/index.ts';
import { type CheckContext, rateLimitWaitMs } from '../context.ts';
import { ensure } from '../expect.ts';
import { defineCheck } from '../registry.ts';
import { REF } from './common.ts';

/** Bound of the burst: a limit looser than this is, for an auth endpoint, no limit. */
export const BURST = 20;

interface BurstOutcome {
  /** The first rate-limited answer, or undefined when none came within the burst. */
  limited: ApiError | undefined;
  sent: number;
}

/** One unknown address: no mail goes out, and a limiter partitioned by address meets it too. */
const probeAddress = (ctx: CheckContext) =>
  `rate-limit-probe@${ctx.account('recovery').email.split('@')[1] ?? 'example.invalid'}`;

/** Spends the recover-password budget until refused; the check's cleanup gives it back. */
async function burst(ctx: CheckContext): Promise<BurstOutcome> {
  const outcome = await spend(ctx);
  ctx.cleanup('give the recover-password budget back', () => restoreBudget(ctx, outcome.limited));
  return outcome;
}

async function spend(ctx: CheckContext): Promise<BurstOutcome> {
  const email = probeAddress(ctx);
  const { client } = ctx.client({ waitOnRateLimit: false });
  for (let sent = 1; sent <= BURST; sent++) {
    try {
      await client.recoverPassword(email);
    } catch (error) {
      if (rateLimitWaitMs(error, ctx.target) !== undefined) return { limited: error as ApiError, sent };
      if (!(error instanceof ApiError)) throw error;
      // Another refusal is not the limit; keep going.
    }
  }
  return { limited: undefined, sent: BURST };
}

/** Gives the spent budget back: moves the clock with control, else waits when that is short enough. */
async function restoreBudget(ctx: CheckContext, limited: ApiError | undefined): Promise<void> {
  if (!limited) return;
  const waitMs = rateLimitWaitMs(limited, ctx.target) ?? -1;
  const seconds = waitMs < 0 ? 60 : Math.max(1, Math.ceil(waitMs / 1000));
  if (ctx.control) {
    await ctx.advanceClock(seconds, 'to give the recover-password budget back');
    return;
  }
  if (waitMs >= 0 && seconds <= ctx.target.options.maxWaitSeconds) {
    await ctx.wait(seconds * 1000, 'the recover-password budget to come back (as Retry-After says)');
    return;
  }
  ctx.trace(
    `left the recover-password budget spent: it comes back in ${waitMs < 0 ? 'an unknown time' : `${seconds} s`}`,
  );
}

/** Whole seconds of a Retry-After header in seconds, else undefined (a date or none). */
function retryAfterSeconds(limited: ApiError): number | undefined {
  return parseRetryAfter(limited.headers['retry-after'], Date.now());
}

export const rateLimitChecks = [
  defineCheck({
    id: 'rate-limit.recover-password-limited',
    destructive: true,
    rule: `A burst of at most ${BURST} recover-password requests meets the rate limit (429, or 503 with Retry-After)`,
    kind: 'behaviour',
    enforces: 'rate-limited',
    catches: ['no-rate-limit', 'rate-limit-known-only'],
    pacts: ['recover-password: a password recovery request over the rate limit'],
    needs: ['account:recovery'],
    disturbs: ['rateLimit', 'clock'],
    async run(ctx) {
      const { limited, sent } = await burst(ctx);
      ensure(
        limited !== undefined,
        `${sent} requests in a row to POST ${ctx.target.paths.recoverPassword} met no rate limit`,
      );
      ctx.trace(`the rate limit answered ${limited.status} at request ${sent}`);
    },
  }),

  defineCheck({
    id: 'rate-limit.admits-after-retry-after',
    destructive: true,
    rule: 'A client that waits as Retry-After says is admitted again',
    kind: 'behaviour',
    enforces: 'rate-limited',
    catches: ['retry-after-too-short'],
    needs: ['account:recovery'],
    disturbs: ['rateLimit', 'clock'],
    async run(ctx) {
      const { limited, sent } = await burst(ctx);
      if (!limited)
        return ctx.skip(
          `${sent} recover-password requests met no rate limit, so there is nothing to wait out`,
        );
      const seconds = retryAfterSeconds(limited);
      if (seconds === undefined)
        return ctx.skip(`the ${limited.status} answer says no Retry-After in seconds to wait for`);
      // One second more: whole seconds are truncated (the ASP.NET sample writes TotalSeconds as an int).
      if (ctx.control) {
        await ctx.advanceClock(seconds + 1, 'by Retry-After, as a client would wait');
      } else if (seconds + 1 <= ctx.target.options.maxWaitSeconds) {
        await ctx.wait(
          (seconds + 1) * 1000,
          'the rate limit to let requests through again, as Retry-After says',
        );
      } else {
        ctx.skip(
          `Retry-After is ${seconds} s, more than options.maxWaitSeconds (${ctx.target.options.maxWaitSeconds} s), and the target has no clock control`,
        );
      }
      const { client } = ctx.client({ waitOnRateLimit: false });
      try {
        await client.recoverPassword(probeAddress(ctx));
      } catch (error) {
        ensure(
          rateLimitWaitMs(error, ctx.target) === undefined,
          `after waiting the ${seconds} s Retry-After said, recover-password is still rate limited (${(error as ApiError).status}): Retry-After is too short`,
        );
      }
    },
  }),

  defineCheck({
    id: 'rate-limit.retry-after-given',
    destructive: true,
    rule: 'A rate-limited recover-password answer says when to retry (Retry-After)',
    kind: 'security',
    enforces: 'rate-limited',
    catches: ['rate-limit-no-retry-after'],
    severity: 'low',
    references: [REF.retryAfter, REF.resourceConsumption],
    needs: ['account:recovery'],
    disturbs: ['rateLimit', 'clock'],
    async run(ctx) {
      const { limited, sent } = await burst(ctx);
      if (!limited)
        return ctx.skip(
          `${sent} recover-password requests met no rate limit, so there is no refusal to inspect`,
        );
      const header = limited.headers['retry-after'];
      const value = Array.isArray(header) ? header[0] : header;
      ensure(
        parseRetryAfter(value, Date.now()) !== undefined,
        `the ${limited.status} answer carries ${value === undefined ? 'no Retry-After header' : `Retry-After "${value}", neither seconds nor a date`}`,
      );
    },
  }),
];
