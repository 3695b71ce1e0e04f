// DefaultRateLimitAuth over real HTTP: under a concurrent burst each algorithm admits exactly its
// limit, rejects the rest with the configured status and a correct Retry-After, and admits
// again when the server clock moves into the next window. Every reading of the spec's ASP.NET
// section (503, no body, Retry-After absent/truncated/whole-window, queueing) is served.
import { Agent } from 'undici';
import { afterEach, describe, expect, test } from 'vitest';
import type { LimiterAlgorithm, LimitsOptions } from '../../src/reference-api/index.ts';
import { call, paths, startTestApi, type TestApi } from './support.ts';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const recover = (server: TestApi, extra: Parameters<typeof call>[3] = {}) =>
  call(server.baseUrl, 'POST', paths.recoverPassword, {
    json: { email: 'nobody@nowhere.facilioo.test' },
    ...extra,
  });

async function burst(server: TestApi, n: number) {
  const replies = await Promise.all(Array.from({ length: n }, () => recover(server)));
  return {
    admitted: replies.filter((reply) => reply.status === 200).length,
    rejected: replies.filter((reply) => reply.status !== 200),
  };
}

// Each algorithm with 10 permits; `retryAfter` is the wait at the moment of the burst.
const ALGORITHMS: [LimiterAlgorithm, Partial<LimitsOptions>, number, number][] = [
  ['fixed-window', { windowSeconds: 60 }, 60, 60],
  ['sliding-window', { windowSeconds: 60, segmentsPerWindow: 6 }, 60, 60],
  ['token-bucket', { tokensPerPeriod: 10, replenishmentPeriodSeconds: 30 }, 30, 30],
];

describe.each(ALGORITHMS)('%s', (algorithm, settings, retryAfter, rollover) => {
  test('a burst of 50 concurrent requests admits exactly 10 and names the wait', async () => {
    api = await startTestApi({ limits: { algorithm, permitLimit: 10, ...settings } });
    const { admitted, rejected } = await burst(api, 50);
    expect(admitted).toBe(10);
    expect(rejected).toHaveLength(40);
    for (const reply of rejected) {
      expect(reply.status).toBe(429);
      expect(reply.headers['retry-after']).toBe(String(retryAfter));
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  test('the server clock moving on by the Retry-After admits a full burst again', async () => {
    api = await startTestApi({ limits: { algorithm, permitLimit: 10, ...settings } });
    await burst(api, 20);
    api.clock.advance(rollover * 1000 - 1);
    expect((await burst(api, 5)).admitted).toBe(0);
    api.clock.advance(1);
    expect((await burst(api, 20)).admitted).toBe(10);
  });
});

describe('DefaultRateLimitAuth', () => {
  test('by default limits recover-password to 5 per 60 s with 429 and Retry-After, and login not at all', async () => {
    api = await startTestApi();
    const { admitted, rejected } = await burst(api, 8);
    expect(admitted).toBe(5);
    expect(rejected[0]?.headers['retry-after']).toBe('60');
    const logins = await Promise.all(
      Array.from({ length: 8 }, () =>
        call(api!.baseUrl, 'POST', paths.login, { json: { email: 'x@y.test', password: 'wrong-password' } }),
      ),
    );
    expect(logins.every((reply) => reply.status === 401)).toBe(true);
  });

  test('rejectStatus 503 answers as ASP.NET does by default, and retryAfter false omits the header', async () => {
    api = await startTestApi({ limits: { permitLimit: 1, rejectStatus: 503, retryAfter: false } });
    const { rejected } = await burst(api, 2);
    expect(rejected[0]?.status).toBe(503);
    expect(rejected[0]?.body.title).toBe('Service Unavailable');
    expect(rejected[0]?.headers['retry-after']).toBeUndefined();
  });

  test('Retry-After counts down with the clock and rounds up to whole seconds', async () => {
    api = await startTestApi({ limits: { permitLimit: 1 } });
    await recover(api);
    api.clock.advance(59_500);
    expect((await recover(api)).headers['retry-after']).toBe('1');
    api.clock.advance(-29_500);
    expect((await recover(api)).headers['retry-after']).toBe('30');
  });

  test('routes names the limited endpoints', async () => {
    api = await startTestApi({ limits: { permitLimit: 2, routes: ['login'] } });
    const logins = await Promise.all(
      Array.from({ length: 4 }, () =>
        call(api!.baseUrl, 'POST', paths.login, { json: { email: 'x@y.test', password: 'wrong-password' } }),
      ),
    );
    expect(logins.map((reply) => reply.status).sort()).toEqual([401, 401, 429, 429]);
    expect((await burst(api, 6)).admitted).toBe(6);
  });

  test('partitionBy ip gives another client address its own budget; global shares one', async () => {
    const otherClient = new Agent({ localAddress: '127.0.0.2' });
    try {
      api = await startTestApi({ limits: { permitLimit: 2 } });
      await burst(api, 3);
      expect((await recover(api, { dispatcher: otherClient })).status).toBe(200);
      await api.close();
      api = await startTestApi({ limits: { permitLimit: 2, partitionBy: 'global' } });
      await burst(api, 3);
      expect((await recover(api, { dispatcher: otherClient })).status).toBe(429);
    } finally {
      await otherClient.close();
    }
  });

  test('reset gives every client a fresh budget', async () => {
    api = await startTestApi({ limits: { permitLimit: 1 } });
    await burst(api, 2);
    api.reset();
    expect((await recover(api)).status).toBe(200);
  });

  test('rejectBody false answers with an empty body, as ASP.NET without OnRejected does', async () => {
    api = await startTestApi({
      limits: { permitLimit: 1, rejectStatus: 503, rejectBody: false, retryAfter: 'none' },
    });
    const { rejected } = await burst(api, 2);
    expect(rejected[0]?.status).toBe(503);
    expect(rejected[0]?.text).toBe('');
    expect(rejected[0]?.headers['retry-after']).toBeUndefined();
  });

  test.each([
    ['exact', '31'],
    ['truncated', '30'],
    ['whole-window', '60'],
    ['none', undefined],
  ] as const)('Retry-After %s says %s when 30.5 s of the 60 s window are left', async (reading, header) => {
    api = await startTestApi({ limits: { permitLimit: 1, retryAfter: reading } });
    await recover(api);
    api.clock.advance(29_500);
    expect((await recover(api)).headers['retry-after']).toBe(header);
  });

  test('a sliding window sends no whole-window Retry-After: its leases carry none', async () => {
    api = await startTestApi({
      limits: { permitLimit: 1, algorithm: 'sliding-window', retryAfter: 'whole-window' },
    });
    await recover(api);
    expect((await recover(api)).headers['retry-after']).toBeUndefined();
  });

  test('with a queue limit the excess waits for the next window instead of being rejected', async () => {
    api = await startTestApi({ limits: { permitLimit: 1, queueLimit: 1 } });
    expect((await recover(api)).status).toBe(200);
    const second = recover(api);
    const third = recover(api);
    // One of them takes the queue's one place; the other is rejected at once, before it.
    expect((await Promise.race([second, third])).status).toBe(429);
    api.clock.advance(60_000);
    const statuses = (await Promise.all([second, third])).map((reply) => reply.status);
    expect(statuses.sort()).toEqual([200, 429]);
  });
});
