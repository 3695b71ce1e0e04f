// A queueing limiter answers requests over the limit late instead of refusing them, so the limit is
// met only by a burst sent at once past the declared queue; a refusal that names no wait is waited
// out for one declared window, not for maxWaitSeconds.
import { afterEach, describe, expect, test } from 'vitest';
import type { ReferenceApiOptions } from '../../../src/reference-api/index.ts';
import type { RateLimitOptions, ResolvedTarget, Target } from '../../../src/target/index.ts';
import {
  burstRecoverPassword,
  limiterWait,
  queueBurstSize,
  TargetSession,
  UNKNOWN_WAIT,
  unknownAddress,
} from '../../../src/target/ops/index.ts';
import { startTarget } from '../../scenarios/reference-target.ts';

let running: ResolvedTarget | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** A reference API without clock control whose target file declares `rateLimit`. */
async function declared(options: ReferenceApiOptions, rateLimit: RateLimitOptions): Promise<Target> {
  running = await startTarget({ control: false, ...options });
  return { ...running.target, control: undefined, options: { ...running.target.options, rateLimit } };
}

function session(target: Target, waits: number[] = []): TargetSession {
  return new TargetSession(target, {
    skip: (reason) => {
      throw new Error(`skipped: ${reason}`);
    },
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
}

const QUEUEING = { limits: { permitLimit: 2, windowSeconds: 2, queueLimit: 3 } } as const;

describe('a burst against a queueing limiter', () => {
  test('sent at once past the declared queue, the requests beyond it are refused', async () => {
    const target = await declared(QUEUEING, { windowSeconds: 2, permitLimit: 2, queueLimit: 3 });
    const ops = session(target);
    const burst = await burstRecoverPassword(
      ops.client({ waitOnRateLimit: false }),
      target,
      unknownAddress,
      20,
    );
    expect(burst.mode).toBe('queue');
    expect(burst.sent).toBe(queueBurstSize(target));
    expect(burst.refusal?.status).toBe(429);
    await burst.settled;
    await ops.close();
  });

  test('one at a time, the same limiter refuses nothing: each request over the limit is only late', async () => {
    const target = await declared(QUEUEING, { windowSeconds: 2 });
    const ops = session(target);
    const burst = await burstRecoverPassword(
      ops.client({ waitOnRateLimit: false }),
      target,
      unknownAddress,
      4,
    );
    expect(burst).toMatchObject({ mode: 'one at a time', refusal: undefined, admitted: 4 });
    await ops.close();
  });

  test('against a server with no limit the burst meets no refusal, and exhausting the limit fails saying so', async () => {
    const target = await declared(
      { ...QUEUEING, defects: ['no-rate-limit'] },
      { windowSeconds: 2, permitLimit: 2, queueLimit: 3 },
    );
    const ops = session(target);
    await expect(ops.exhaustRecoveryLimit(20)).rejects.toThrow(
      `no 429 or 503 after ${queueBurstSize(target)} password recovery requests (sent at once, past the declared queue)`,
    );
    await ops.close();
  });
});

describe("a session's rate-limit budget", () => {
  test.each([
    [
      'declared, counts every recover-password round trip as a possible queue wait',
      { windowSeconds: 2, queueLimit: 3 },
      true,
    ],
    ['not declared, counts only told waits', { windowSeconds: 2 }, false],
  ] as const)('a queue %s', async (_, rateLimit, counted) => {
    const target = await declared({ limits: { permitLimit: 1, windowSeconds: 2, queueLimit: 3 } }, rateLimit);
    const ops = session(target);
    const { client, exchanges } = ops.client();
    await client.recoverPassword(unknownAddress());
    await client.recoverPassword(unknownAddress());
    const roundTrips = exchanges.reduce((sum, exchange) => sum + exchange.durationMs, 0);
    expect(ops.rateLimitWaitedMs).toBe(counted ? roundTrips : 0);
    await ops.close();
  });
});

describe('waiting out a refusal that names no wait', () => {
  test('one declared window and its margin, else maxWaitSeconds', () => {
    const base = { options: { maxWaitSeconds: 60 } } as Target;
    const withWindow = { options: { maxWaitSeconds: 60, rateLimit: { windowSeconds: 2 } } } as Target;
    expect(limiterWait(UNKNOWN_WAIT, withWindow)).toEqual({ ms: 2250, basis: 'declared window' });
    expect(limiterWait(UNKNOWN_WAIT, base)).toEqual({ ms: 60_000, basis: 'maxWaitSeconds' });
    expect(limiterWait(1000, withWindow)).toEqual({ ms: 1000, basis: 'retry-after' });
  });

  test("ASP.NET's bare 503: a fresh recover-password window costs one declared window, not maxWaitSeconds", async () => {
    const target = await declared(
      {
        limits: { permitLimit: 2, windowSeconds: 2, rejectStatus: 503, retryAfter: false, rejectBody: false },
      },
      { rejectStatus: 503, windowSeconds: 2 },
    );
    const waits: number[] = [];
    const ops = session(target, waits);
    await ops.freshRecoveryWindow(20);
    expect(waits).toEqual([2250]);
    await ops.close();
  });

  test('with the queue and the window declared, a fresh window is one window of quiet, no request spent', async () => {
    const target = await declared(QUEUEING, { windowSeconds: 2, permitLimit: 2, queueLimit: 3 });
    const waits: number[] = [];
    const ops = session(target, waits);
    await ops.freshRecoveryWindow(20);
    expect(waits).toEqual([2250]);
    expect(ops.clients).toHaveLength(0);
    await ops.close();
  });
});
