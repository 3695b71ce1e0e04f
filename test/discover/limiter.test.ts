// A limiter that queues requests over its limit answers them late instead of refusing them: the
// probe and discovery report that latency jump as the limit it is, not as "no limit".
import { describe, expect, test } from 'vitest';
import {
  formatDiscovery,
  limiterReadingOf,
  parseDiscoverySnippet,
  probeLimiter,
} from '../../src/discover/index.ts';
import type { Observation } from '../../src/probe/analysis.ts';
import { buildResult } from '../../src/probe/probe-result.ts';
import type { Target } from '../../src/target/index.ts';
import { startTarget } from '../scenarios/reference-target.ts';

const BUDGET = { maxRequests: 30, maxSeconds: 30 };
const fast = (t: number, status = 200): Observation => ({ t, status, durationMs: 10 });
/** Held by the limiter until its window turned over, then let in. */
const late = (t: number): Observation => ({ t, status: 200, durationMs: 1900 });

/** Five permits per 2 s, a queue: the sixth and eleventh requests wait for the next window. */
const QUEUED_TIMELINE: Observation[] = [
  ...[0, 20, 40, 60, 80].map((t) => fast(t)),
  late(1040),
  ...[2100, 2120, 2140, 2160].map((t) => fast(t)),
  late(3040),
];

function discovered(timeline: Observation[]) {
  const { rateLimit } = buildResult('recoverPassword', timeline, [429, 503], 'complete', 30, 30);
  const limiter = limiterReadingOf(rateLimit, BUDGET);
  const found = limiter.found
    ? [{ option: 'rateLimit' as const, value: limiter.reading, evidence: limiter.evidence }]
    : [];
  const output = formatDiscovery(
    {
      target: { name: 'queueing', baseUrl: 'http://127.0.0.1:9' },
      found,
      notInferred: [],
      requests: timeline.length,
      limiter,
    },
    { options: {} } as Target,
  );
  return { rateLimit, limiter, output };
}

describe('a queueing limiter', () => {
  test('the probe reports its limit and the queued answers, with no rejection status', () => {
    const { rateLimit } = discovered(QUEUED_TIMELINE);
    expect(rateLimit).toMatchObject({ limit: 5, rejectStatus: null, queued: 2, found: true });
    expect(rateLimit.message).toMatch(
      /^5 requests per .* requests over it queued \(answered late, not refused\)$/,
    );
  });

  test('discovery reports it found, with the window and permits to declare and the queue to add', () => {
    const { limiter, output } = discovered(QUEUED_TIMELINE);
    expect(limiter.found).toBe(true);
    expect(limiter.evidence).toMatch(
      /2 request\(s\) over it answered late instead of refused: the limiter queues/,
    );
    expect(parseDiscoverySnippet(output).options.rateLimit).toEqual({
      windowSeconds: expect.any(Number),
      permitLimit: 5,
    });
    expect(output).toMatch(
      /rateLimit\.queueLimit — requests over the limit were answered late .* add "queueLimit": N/,
    );
  });

  test('the same requests all answered fast are no limit at all', () => {
    const allFast = QUEUED_TIMELINE.map((o) => fast(o.t));
    const { rateLimit, limiter, output } = discovered(allFast);
    expect(rateLimit).toMatchObject({ limit: null, queued: 0, found: false });
    expect(limiter.found).toBe(false);
    expect(parseDiscoverySnippet(output).options).toEqual({});
  });
});

test('the bounded probe reads a live queueing limiter as one, its permits and window included', async () => {
  // A 3 s window: a queued answer waits most of it, far beyond a round trip on a busy machine.
  const running = await startTarget({
    control: false,
    limits: { permitLimit: 3, windowSeconds: 3, queueLimit: 2 },
  });
  try {
    const limiter = await probeLimiter(running.target, { maxRequests: 30, maxSeconds: 30 });
    expect(limiter).toMatchObject({ found: true, reading: { limit: 3, rejectStatus: null, queueing: true } });
    expect(limiter.reading.windowSeconds).toBeGreaterThan(2.5);
    expect(limiter.evidence).toMatch(/answered late instead of refused: the limiter queues/);
  } finally {
    await running.close();
  }
});

test('the same probe against a server with no limit finds none', async () => {
  const running = await startTarget({
    control: false,
    limits: { permitLimit: 3, windowSeconds: 3, queueLimit: 2 },
    defects: ['no-rate-limit'],
  });
  try {
    const limiter = await probeLimiter(running.target, { maxRequests: 20, maxSeconds: 30 });
    expect(limiter).toMatchObject({ found: false, reading: { limit: null, queueing: false } });
  } finally {
    await running.close();
  }
});
