// What the analysis reads from real responses: sequences recorded over HTTP from the reference
// API, one per limiter kind, must give back the limiter's configuration; and the Node driver runs
// the same probe k6 runs against it within its promised request budget. The requests are real
// HTTP, but time is virtual: each server's ManualClock is the one the recorder and the probe read
// and advance by their waits, so a busy machine cannot push a burst across a window (it did, on
// real time, at a load average of 12 on two cores) and nothing here waits for real.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runProbe } from '../../src/k6/probe-driver.ts';
import { type ProbeTiming, virtualTiming } from '../../src/k6/timing.ts';
import { analyzeTimeline, type Observation } from '../../src/probe/analysis.ts';
import type { ProbeResult } from '../../src/probe/probe.ts';
import { ManualClock, type RunningReferenceApi, startReferenceApi } from '../../src/reference-api/index.ts';
import type { LimitsOptions } from '../../src/reference-api/rate-limiter.ts';
import { recordOverHttp } from './record-sequences.ts';

const KINDS: Record<string, Partial<LimitsOptions> & { permitLimit: number; window: number }> = {
  'fixed-window': { algorithm: 'fixed-window', permitLimit: 4, windowSeconds: 2, window: 2 },
  'sliding-window': {
    algorithm: 'sliding-window',
    permitLimit: 4,
    windowSeconds: 2,
    segmentsPerWindow: 4,
    window: 2,
  },
  'token-bucket': {
    algorithm: 'token-bucket',
    permitLimit: 4,
    tokensPerPeriod: 2,
    replenishmentPeriodSeconds: 2,
    window: 2,
  },
  'fixed-window, 503 without Retry-After': {
    algorithm: 'fixed-window',
    permitLimit: 3,
    windowSeconds: 2,
    rejectStatus: 503,
    retryAfter: 'none',
    window: 2,
  },
};

const servers: RunningReferenceApi[] = [];
const recorded = new Map<string, Observation[]>();
const probed = new Map<string, ProbeResult>();

/** A server on a clock of its own, and the virtual timing that reads and moves that clock. */
async function server(
  limits: Partial<LimitsOptions>,
): Promise<{ api: RunningReferenceApi; timing: ProbeTiming }> {
  const { window: _, ...options } = limits as Partial<LimitsOptions> & { window?: number };
  const clock = new ManualClock();
  const api = await startReferenceApi({ limits: options, loadAccounts: 0, clock });
  servers.push(api);
  return { api, timing: virtualTiming(clock) };
}

beforeAll(async () => {
  // Each recording and each probe gets its own server: windows open with a partition's first request.
  await Promise.all(
    Object.entries(KINDS).flatMap(([name, limits]) => [
      (async () => {
        const { api, timing } = await server(limits);
        const url = new URL(api.targetDocument([]).paths.recoverPassword, api.baseUrl).toString();
        recorded.set(name, await recordOverHttp(url, { windowSeconds: limits.window }, timing));
      })(),
      (async () => {
        const { api, timing } = await server({ ...limits, windowSeconds: 3, replenishmentPeriodSeconds: 3 });
        probed.set(name, await runProbe({ baseUrl: api.baseUrl, maxSeconds: 30, timing }));
      })(),
    ]),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('sequences recorded over HTTP from the reference API', () => {
  for (const kind of ['fixed-window', 'sliding-window', 'token-bucket'] as const) {
    test(`a ${kind} limiter reads as its limit, its window and ${kind}`, () => {
      const a = analyzeTimeline(recorded.get(kind) ?? []);
      expect(a.limit).toBe(KINDS[kind]?.permitLimit);
      expect(a.algorithm).toBe(kind);
      // The schedule waits Retry-After out, so it knows each reset to the second before it.
      expect(a.window?.low).toBeLessThanOrEqual(2);
      expect(a.window?.high).toBeGreaterThanOrEqual(2);
      expect(a).toMatchObject({
        rejectStatus: 429,
        retryAfterCorrect: true,
        readmittedAfterRetryAfter: true,
      });
      if (kind === 'token-bucket') expect(a.tokensPerPeriod).toBe(2);
    });
  }

  test('a limiter that answers 503 without Retry-After is read with that status and no Retry-After verdict', () => {
    const a = analyzeTimeline(recorded.get('fixed-window, 503 without Retry-After') ?? []);
    expect(a).toMatchObject({
      limit: 3,
      rejectStatus: 503,
      retryAfterSent: false,
      retryAfterCorrect: null,
      unexpected: 0,
    });
  });
});

describe('the probe driven by undici against the reference API', () => {
  for (const kind of ['fixed-window', 'sliding-window', 'token-bucket'] as const) {
    test(`finds a ${kind} limiter's exact limit and window within 10 %, for at most 2L + 10 requests`, () => {
      const r = probed.get(kind)?.rateLimit;
      const limit = KINDS[kind]?.permitLimit ?? 0;
      const seen = JSON.stringify({
        ...r,
        timeline: probed.get(kind)?.timeline.map((e) => [e.t, e.status, e.retryAfter]),
      });
      expect(r, seen).toMatchObject({
        endpoint: 'recoverPassword',
        limit,
        algorithm: kind,
        rejectStatus: 429,
      });
      expect(Math.abs((r?.windowSeconds ?? 0) - 3), seen).toBeLessThanOrEqual(0.3);
      expect(r?.requestsSent).toBeLessThanOrEqual(2 * limit + 10);
      expect(r?.retryAfterCorrect).toBe(true);
    });
  }

  test('finds the limit and the 503 of a limiter without Retry-After', () => {
    const r = probed.get('fixed-window, 503 without Retry-After')?.rateLimit;
    expect(r).toMatchObject({ limit: 3, rejectStatus: 503, retryAfterSent: false, unexpectedResponses: 0 });
  });
});
