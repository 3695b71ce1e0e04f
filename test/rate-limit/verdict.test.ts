// One reading of a limiter's answer for every layer: a 503 is the limiter only when the target
// declares it, sends Retry-After, or has admitted the route before; otherwise it is an outage.
import { describe, expect, test } from 'vitest';
import { ApiError, AuthClient, clientOptionsFor, MemoryTokenStore } from '../../src/client/index.ts';
import {
  parseRetryAfter,
  RouteHistory,
  rejectionVerdict,
  rejectStatusesFor,
} from '../../src/rate-limit/index.ts';
import { startReferenceApi } from '../../src/reference-api/index.ts';
import { parseTarget } from '../../src/target/index.ts';
import { testKeys } from '../reference-api/support.ts';

describe('Retry-After', () => {
  test('is delta-seconds or an HTTP date, else absent', () => {
    expect(parseRetryAfter('7', 0)).toBe(7);
    expect(parseRetryAfter([' 0 '], 0)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:02 GMT', 500)).toBe(2);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter('', 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });
});

describe('the verdict', () => {
  test.each([
    [{ status: 429 }, true, '429'],
    [{ status: 503, retryAfterSeconds: 3 }, true, 'retry-after'],
    [{ status: 503 }, false, 'outage'],
    [{ status: 503, admittedBefore: true }, true, 'shape'],
    [{ status: 503, declaredStatus: 503 as const }, true, 'declared'],
    [{ status: 429, declaredStatus: 503 as const }, false, 'declared-otherwise'],
    [{ status: 500, declaredStatus: 503 as const }, false, 'not-a-rejection-status'],
  ])('%o → rate limited: %s (%s)', (input, rateLimited, because) => {
    expect(rejectionVerdict(input)).toEqual({ rateLimited, because });
  });

  test('the declared status is the only one a probe accepts', () => {
    expect(rejectStatusesFor(503)).toEqual([503]);
    expect(rejectStatusesFor(undefined)).toEqual([429, 503]);
  });
});

describe('the client against ASP.NET’s default limiter (503, no body, no Retry-After)', () => {
  const limits = {
    permitLimit: 1,
    windowSeconds: 1,
    rejectStatus: 503,
    rejectBody: false,
    retryAfter: 'none',
  } as const;

  async function recoverTwice(declare: boolean) {
    const api = await startReferenceApi({ keys: await testKeys(), limits });
    try {
      const document = api.targetDocument([]);
      if (declare) document.options.rateLimit = { rejectStatus: 503 };
      const target = parseTarget(document, { source: 't.json', baseDir: '/', env: {} });
      const client = new AuthClient({
        baseUrl: api.baseUrl,
        tokenStore: new MemoryTokenStore(),
        options: { ...clientOptionsFor(target), rateLimit: { maxTotalWaitMs: 10_000 } },
      });
      try {
        await client.recoverPassword('nobody@example.invalid');
        return await client.recoverPassword('nobody@example.invalid');
      } finally {
        await client.close();
      }
    } finally {
      await api.close();
    }
  }

  // Each case waits a window out for real on a server of its own, so the two run side by side.
  test('waits the refusal out when the target declares 503, and when the route admitted before', async () => {
    const [declared, admittedBefore] = await Promise.all([recoverTwice(true), recoverTwice(false)]);
    expect(declared.status).toBe(200);
    expect(admittedBefore.status).toBe(200);
  });

  test('a 503 on a route that never admitted is an outage: thrown at once, not waited for', async () => {
    const history = new RouteHistory();
    const api = await startReferenceApi({ keys: await testKeys(), limits: { ...limits, permitLimit: 1 } });
    const client = new AuthClient({
      baseUrl: api.baseUrl,
      tokenStore: new MemoryTokenStore(),
      options: { rateLimit: { maxTotalWaitMs: 10_000 }, rejection: { history } },
    });
    try {
      // Another client spends the permit; this one's history has never seen the route admit.
      const other = new AuthClient({ baseUrl: api.baseUrl, tokenStore: new MemoryTokenStore() });
      await other.recoverPassword('nobody@example.invalid');
      await other.close();
      const error = await client.recoverPassword('nobody@example.invalid').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(503);
    } finally {
      await client.close();
      await api.close();
    }
  });
});
