/**
 * recover-password is rate limited (DOC, policy DefaultRateLimitAuth): a short burst meets the
 * limit, and the refusal says when to come back. The burst spends the budget every other check
 * shares, so these checks run alone and last, and give the budget back before they end.
 */
import type { ApiError } from '../../client/index.ts';
import { parseRetryAfter } from '../../rate-limit/index.ts';
import {
  type Burst,
  burstRecoverPassword,
  limiterWait,
  MAX_BURST,
  UNKNOWN_WAIT,
} from '../../target/ops/index.ts';
import { type CheckContext, rateLimitWaitMs } from '../context.ts';
import { ensure } from '../expect.ts';
import { defineCheck } from '../registry.ts';
import { REF } from './common.ts';

/** Bound of the burst: a limit looser than this is, for an auth endpoint, no limit. */
export const BURST = MAX_BURST;

interface BurstOutcome {
  /** The first rate-limited answer, or undefined when none came within the burst. */
  limited: ApiError | undefined;
  sent: number;
  /** How the burst went out: at once past a declared queue, else one at a time. */
  how: string;
}

/** One unknown address: no mail goes out, and a limiter partitioned by address meets it too. */
const probeAddress = (ctx: CheckContext) =>
  `rate-limit-probe@${ctx.account('recovery').email.split('@')[1] ?? 'example.invalid'}`;

/**
 * Spends the recover-password budget until refused; the check's cleanup gives it back. Against
 * a declared queue the burst goes out at once (queued requests are answered late, not refused).
 */
async function burst(ctx: CheckContext): Promise<BurstOutcome> {
  const address = probeAddress(ctx);
  const outcome = await burstRecoverPassword(
    ctx.client({ waitOnRateLimit: false }),
    ctx.target,
    () => address,
    BURST,
  );
  ctx.cleanup('give the recover-password budget back', () => restoreBudget(ctx, outcome));
  const how =
    outcome.mode === 'queue'
      ? `at once, past the declared queue of ${ctx.target.options.rateLimit?.queueLimit}`
      : 'one at a time';
  if (outcome.refusal) {
    ctx.trace(
      `the burst (${how}) met the limit: ${outcome.admitted} answered so far (queued ones late), refused with ${outcome.refusal.status}`,
    );
  }
  return { limited: outcome.refusal, sent: outcome.sent, how };
}

/** The burst's refusal, for a check that inspects it; without one the check is skipped, saying `why`. */
async function refusalOrSkip(ctx: CheckContext, why: string): Promise<NonNullable<BurstOutcome['limited']>> {
  const { limited, sent } = await burst(ctx);
  return limited ?? ctx.skip(`${sent} recover-password requests met no rate limit, so ${why}`);
}

/**
 * Gives the spent budget back: moves the clock with control, else waits when that is short
 * enough — as Retry-After says, else one declared window. Queued requests of the burst take
 * permits when they are let in, so the wait starts once they are answered.
 */
async function restoreBudget(ctx: CheckContext, outcome: Burst): Promise<void> {
  const limited = outcome.refusal;
  if (!limited) return outcome.settled;
  const wait = limiterWait(rateLimitWaitMs(limited, ctx.target) ?? UNKNOWN_WAIT, ctx.target);
  const seconds = Math.max(1, Math.ceil(wait.ms / 1000));
  if (ctx.control) {
    await ctx.advanceClock(seconds, 'to give the recover-password budget back');
    return outcome.settled;
  }
  await outcome.settled;
  if (wait.basis !== 'maxWaitSeconds' && wait.ms <= ctx.target.options.maxWaitSeconds * 1000) {
    await ctx.wait(
      wait.ms,
      `the recover-password budget to come back (${wait.basis === 'retry-after' ? 'as Retry-After says' : 'one declared window'})`,
    );
    return;
  }
  ctx.trace(
    `left the recover-password budget spent: it comes back in ${wait.basis === 'maxWaitSeconds' ? 'an unknown time' : `${seconds} s`}`,
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
    rule: `A burst of at most ${BURST} recover-password requests meets the rate limit (429, or 503 with Retry-After), sent at once past a declared queue`,
    kind: 'behaviour',
    enforces: 'rate-limited',
    catches: ['no-rate-limit', 'rate-limit-known-only'],
    pacts: ['recover-password: a password recovery request over the rate limit'],
    needs: ['account:recovery'],
    disturbs: ['rateLimit', 'clock'],
    async run(ctx) {
      const { limited, sent, how } = await burst(ctx);
      ensure(
        limited !== undefined,
        `${sent} requests to POST ${ctx.target.paths.recoverPassword} (${how}) met no rate limit${how === 'one at a time' ? ' — if the limiter queues requests over the limit (answers late instead of refusing), declare options.rateLimit.queueLimit' : ''}`,
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
      const limited = await refusalOrSkip(ctx, 'there is nothing to wait out');
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
      const limited = await refusalOrSkip(ctx, 'there is no refusal to inspect');
      const header = limited.headers['retry-after'];
      const value = Array.isArray(header) ? header[0] : header;
      ensure(
        parseRetryAfter(value, Date.now()) !== undefined,
        `the ${limited.status} answer carries ${value === undefined ? 'no Retry-After header' : `Retry-After "${value}", neither seconds nor a date`}`,
      );
    },
  }),
];
