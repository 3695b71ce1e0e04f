// A rate-limited answer (429, or 503 with Retry-After as ASP.NET's limiter may send) is waited
// out as Retry-After says in either of its spellings, else with a doubling backoff; nothing else is.
import { describe, expect, test } from 'vitest';
import { MIN_RATE_LIMIT_WAIT_MS, parseRetryAfter, rateLimitWaitMs } from '../../src/client/rate-limit.ts';

const NOW = Date.parse('2026-01-01T12:00:00Z');

describe('parseRetryAfter', () => {
  test('delta-seconds and HTTP dates both give milliseconds from now', () => {
    expect(parseRetryAfter('3', NOW)).toBe(3000);
    expect(parseRetryAfter([' 0 '], NOW)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:00:05 GMT', NOW)).toBe(5000);
  });

  test('a date in the past is no wait; nothing or garbage is no Retry-After', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('  ', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });
});

describe('rateLimitWaitMs', () => {
  const answer = (status: number, retryAfter?: string) => ({
    status,
    headers: retryAfter === undefined ? {} : ({ 'retry-after': retryAfter } as Record<string, string>),
  });

  test('a 429 waits as Retry-After says, at least the minimum', () => {
    expect(rateLimitWaitMs(answer(429, '2'), 0, NOW)).toBe(2000);
    expect(rateLimitWaitMs(answer(429, '0'), 5, NOW)).toBe(MIN_RATE_LIMIT_WAIT_MS);
  });

  test('a 429 without Retry-After backs off 250 ms, 500 ms, 1 s, ...', () => {
    expect([0, 1, 2, 3].map((attempt) => rateLimitWaitMs(answer(429), attempt, NOW))).toEqual([
      250, 500, 1000, 2000,
    ]);
  });

  test('without Retry-After, a declared window is waited once per refusal instead of the backoff', () => {
    const reading = { declaredStatus: 503 as const, windowMs: 2250 };
    expect([0, 1, 2].map((attempt) => rateLimitWaitMs(answer(503), attempt, NOW, reading))).toEqual([
      2250, 2250, 2250,
    ]);
    expect(rateLimitWaitMs(answer(503, '1'), 0, NOW, reading)).toBe(1000);
  });

  test('a 503 is a rate limit only with Retry-After; other statuses never are', () => {
    expect(rateLimitWaitMs(answer(503, '1'), 0, NOW)).toBe(1000);
    expect(rateLimitWaitMs(answer(503), 0, NOW)).toBeUndefined();
    expect(rateLimitWaitMs(answer(500, '1'), 0, NOW)).toBeUndefined();
    expect(rateLimitWaitMs(answer(200, '1'), 0, NOW)).toBeUndefined();
  });
});
