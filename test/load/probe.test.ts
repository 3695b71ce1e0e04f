// The probe spends little and stops when told: against limiters that open their window with the
// first request and send an exact Retry-After (ASP.NET's partitioned limiters, the reference API)
// it finds the exact limit and the window within 10 % for at most 2L + 10 requests and 2.5
// windows; against anything, it never exceeds its request and time budgets.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createProbe } from '../../src/probe/probe.ts';
import { createSimLimiter, runProbeVirtually, type SimAlgorithm } from './simulated-limiter.ts';

const START = 1_000_000;

const limiterSettings = fc.record({
  algorithm: fc.constantFrom<SimAlgorithm>('fixed-window', 'sliding-window', 'token-bucket'),
  permitLimit: fc.integer({ min: 2, max: 30 }),
  windowSeconds: fc.constantFrom(1, 2, 3, 5, 10, 30, 60, 300),
  segmentsPerWindow: fc.integer({ min: 2, max: 6 }),
  tokenShare: fc.double({ min: 0, max: 0.99, noNaN: true }),
  latencyMs: fc.integer({ min: 1, max: 20 }),
});
type LimiterSettings = typeof limiterSettings extends fc.Arbitrary<infer T> ? T : never;

/** How much of the window the probe's first, sequential burst takes. */
const burstShare = (c: LimiterSettings) => (c.permitLimit * c.latencyMs) / (c.windowSeconds * 1000);

// The first burst takes at most a tenth of the window: the probe's exact-reading claim.
const aligned = limiterSettings.filter((c) => burstShare(c) <= 0.1);

/**
 * Bursts that take a tenth to three tenths of the window (many permits, a slow link, a short
 * window). Requests of the first burst then fall into several sliding-window segments, which
 * blurs where the window began: the window can be off by more than 10 % (seen: sliding window
 * 16 per 1 s, 5 segments, 11 ms per request → 12.7 %). The limit and the budgets still hold.
 * Beyond three tenths a sequential client cannot outrun the window at all.
 */
const slowBurst = limiterSettings.filter((c) => burstShare(c) > 0.1 && burstShare(c) <= 0.3);

/** Runs the probe in virtual time against a simulated limiter with these settings. */
function probeSimulated(c: LimiterSettings) {
  const tokensPerPeriod = Math.max(1, Math.floor(c.tokenShare * (c.permitLimit - 1)) || 1);
  const server = createSimLimiter({ ...c, tokensPerPeriod, origin: START, retryAfter: 'exact' });
  const probe = createProbe({ endpoint: 'recoverPassword', maxSeconds: 3 * c.windowSeconds });
  const { result, elapsedMs } = runProbeVirtually(probe, server, { start: START, latencyMs: c.latencyMs });
  return { r: result.rateLimit, elapsedMs, tokensPerPeriod };
}

describe('a limiter whose window opens with the first request and which sends Retry-After', () => {
  test('is read exactly: limit, window within 10 %, algorithm, within 2L + 10 requests and 2.5 windows', () => {
    fc.assert(
      fc.property(aligned, (c) => {
        const { r, elapsedMs, tokensPerPeriod } = probeSimulated(c);
        expect(r.limit).toBe(c.permitLimit);
        expect(Math.abs((r.windowSeconds ?? 0) - c.windowSeconds)).toBeLessThanOrEqual(0.1 * c.windowSeconds);
        expect(r.requestsSent).toBeLessThanOrEqual(2 * c.permitLimit + 10);
        expect(elapsedMs).toBeLessThanOrEqual(2.5 * c.windowSeconds * 1000);
        // Never wrong; and right whenever the first burst is short next to the window.
        if (burstShare(c) <= 0.05) expect(r.algorithm).toBe(c.algorithm);
        else expect([c.algorithm, 'unknown']).toContain(r.algorithm);
        if (c.algorithm === 'token-bucket') expect(r.tokensPerPeriod).toBe(tokensPerPeriod);
        expect(r.retryAfterCorrect).toBe(true);
        expect(r.readmittedAfterRetryAfter).not.toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  test('with a slow first burst the limit is still exact, the window within 25 %, and the budgets hold', () => {
    fc.assert(
      fc.property(slowBurst, (c) => {
        const { r, elapsedMs } = probeSimulated(c);
        expect(r.limit).toBe(c.permitLimit);
        expect(Math.abs((r.windowSeconds ?? 0) - c.windowSeconds)).toBeLessThanOrEqual(
          0.25 * c.windowSeconds,
        );
        expect(r.requestsSent).toBeLessThanOrEqual(2 * c.permitLimit + 10);
        expect(elapsedMs).toBeLessThanOrEqual(2.5 * c.windowSeconds * 1000);
        expect([c.algorithm, 'unknown']).toContain(r.algorithm);
      }),
      { numRuns: 300 },
    );
  });

  test('503 as the rejection status is found and reported', () => {
    const server = createSimLimiter({
      algorithm: 'fixed-window',
      permitLimit: 4,
      windowSeconds: 5,
      origin: START,
      rejectStatus: 503,
    });
    const { result } = runProbeVirtually(createProbe({ endpoint: 'recoverPassword' }), server, {
      start: START,
    });
    expect(result.rateLimit).toMatchObject({ limit: 4, rejectStatus: 503, unexpectedResponses: 0 });
  });
});

describe('budgets', () => {
  test('without a limit the probe stops at the request budget and reports no limit found within budget', () => {
    const { result } = runProbeVirtually(
      createProbe({ endpoint: 'recoverPassword', maxRequests: 25 }),
      () => ({
        status: 200,
      }),
    );
    expect(result.rateLimit).toMatchObject({
      limit: null,
      found: false,
      message: 'no limit found within budget',
      requestsSent: 25,
      stoppedBecause: 'request budget',
    });
  });

  test('the time budget stops the probe before it waits past it', () => {
    const server = createSimLimiter({
      algorithm: 'fixed-window',
      permitLimit: 3,
      windowSeconds: 60,
      origin: START,
    });
    const { result, elapsedMs } = runProbeVirtually(
      createProbe({ endpoint: 'recoverPassword', maxSeconds: 30 }),
      server,
      { start: START },
    );
    expect(result.rateLimit.stoppedBecause).toBe('time budget');
    expect(elapsedMs).toBeLessThanOrEqual(30_000);
    // What it learnt before stopping is still reported.
    expect(result.rateLimit.rejectStatus).toBe(429);
  });

  test('no limiter, phase, Retry-After behaviour or latency makes the probe exceed its budgets', () => {
    fc.assert(
      fc.property(
        aligned,
        fc.constantFrom('exact', 'whole-window', 'none'),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 3, max: 60 }),
        fc.integer({ min: 5, max: 400 }),
        (c, retryAfter, phase, maxRequests, maxSeconds) => {
          const server = createSimLimiter({
            ...c,
            retryAfter: retryAfter as 'exact',
            origin: START - phase * c.windowSeconds * 1000,
          });
          const { result, elapsedMs } = runProbeVirtually(
            createProbe({ endpoint: 'recoverPassword', maxRequests, maxSeconds }),
            server,
            { start: START, latencyMs: c.latencyMs },
          );
          expect(result.rateLimit.requestsSent).toBeLessThanOrEqual(maxRequests);
          // The last request may still be in flight when the clock passes the budget.
          expect(elapsedMs).toBeLessThanOrEqual(maxSeconds * 1000 + c.latencyMs);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('repeated 5xx other than the rejection status stop the probe', () => {
    const { result } = runProbeVirtually(createProbe({ endpoint: 'recoverPassword' }), () => ({
      status: 500,
    }));
    expect(result.rateLimit).toMatchObject({
      stoppedBecause: 'errors',
      unexpectedResponses: 3,
      requestsSent: 3,
    });
  });
});

describe('harder cases', () => {
  test('a probe that arrives in a spent window waits it out and still finds the limit', () => {
    const server = createSimLimiter({
      algorithm: 'fixed-window',
      permitLimit: 5,
      windowSeconds: 10,
      origin: START - 4000,
    });
    for (let i = 0; i < 5; i++) server(START - 100); // someone else used the window up
    const { result } = runProbeVirtually(createProbe({ endpoint: 'recoverPassword' }), server, {
      start: START,
    });
    expect(result.rateLimit.limit).toBe(5);
    expect(result.rateLimit.windowSeconds).toBeCloseTo(10, 0);
  });

  test('a first burst that straddles a window boundary is not read as a larger limit', () => {
    // 20 ms per request; the boundary falls 200 ms into the burst: 10 + 20 admitted.
    const server = createSimLimiter({
      algorithm: 'fixed-window',
      permitLimit: 20,
      windowSeconds: 5,
      origin: START - 4800,
    });
    const { result } = runProbeVirtually(createProbe({ endpoint: 'recoverPassword' }), server, {
      start: START,
      latencyMs: 20,
    });
    expect(result.rateLimit.limit).toBe(20);
    expect(result.rateLimit.algorithm).toBe('fixed-window');
    expect(result.rateLimit.notes.join(' ')).toContain('crossed a window boundary');
  });

  // Truncated, a window of one second always says "Retry-After: 0", which places nothing.
  test('a truncated Retry-After (whole seconds rounded down) is read as such: exact limit, window, 2L + 12 requests', () => {
    fc.assert(
      fc.property(
        aligned.filter((c) => c.windowSeconds >= 2),
        (c) => {
          const tokensPerPeriod = Math.max(1, Math.floor(c.tokenShare * (c.permitLimit - 1)) || 1);
          const server = createSimLimiter({ ...c, tokensPerPeriod, origin: START, retryAfter: 'truncated' });
          const probe = createProbe({ endpoint: 'recoverPassword', maxSeconds: 3 * c.windowSeconds });
          const { result, elapsedMs } = runProbeVirtually(probe, server, {
            start: START,
            latencyMs: c.latencyMs,
          });
          const r = result.rateLimit;
          expect(r.limit).toBe(c.permitLimit);
          expect(Math.abs((r.windowSeconds ?? 0) - c.windowSeconds)).toBeLessThanOrEqual(
            0.1 * c.windowSeconds,
          );
          // Up to two polls go to learning the rounding: a miss of the 2L + 10 goal, listed in load/README.md.
          expect(r.requestsSent).toBeLessThanOrEqual(2 * c.permitLimit + 12);
          expect(elapsedMs).toBeLessThanOrEqual(2.5 * c.windowSeconds * 1000);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('without Retry-After the probe still finds the exact limit', () => {
    fc.assert(
      fc.property(aligned, (c) => {
        const server = createSimLimiter({ ...c, origin: START, retryAfter: 'none' });
        const { result } = runProbeVirtually(createProbe({ endpoint: 'recoverPassword' }), server, {
          start: START,
          latencyMs: c.latencyMs,
        });
        expect(result.rateLimit.limit).toBe(c.permitLimit);
        expect(result.rateLimit.retryAfterSent).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});

describe('protocol', () => {
  test('asking what next before observing the last response is refused', () => {
    const probe = createProbe({ endpoint: 'recoverPassword' });
    expect(probe.next(0)).toEqual({ kind: 'send' });
    expect(() => probe.next(1)).toThrow(/observe\(\)/);
  });

  test('an observation nobody asked for is refused', () => {
    const probe = createProbe({ endpoint: 'recoverPassword' });
    expect(() => probe.observe({ t: 0, status: 200 })).toThrow(/without a send/);
  });

  test('the result lists every request in ms since the first, with Retry-After where sent', () => {
    const server = createSimLimiter({
      algorithm: 'fixed-window',
      permitLimit: 2,
      windowSeconds: 2,
      origin: START,
    });
    const { result, timeline } = runProbeVirtually(createProbe({ endpoint: 'recoverPassword' }), server, {
      start: START,
    });
    expect(result.timeline).toHaveLength(timeline.length);
    // Times count from the moment the first request left.
    expect(result.timeline[0]?.t).toBe(1);
    expect(result.timeline.every((e, i) => i === 0 || e.t >= (result.timeline[i - 1]?.t ?? 0))).toBe(true);
    expect(result.timeline.find((e) => e.status === 429)?.retryAfter).toBe(2);
    expect(Object.keys(result.rateLimit)).toEqual(
      expect.arrayContaining([
        'endpoint',
        'limit',
        'windowSeconds',
        'rejectStatus',
        'retryAfterSeconds',
        'algorithm',
        'requestsSent',
      ]),
    );
  });
});
