// The refresh behind a 401 is spent once however many callers wait for it, not at all when the
// stored pair already moved on, and a failure reaches every waiter as one error without
// blocking the next attempt. No server: `spend` is a function the test controls.
import { describe, expect, test } from 'vitest';
import {
  ApiError,
  MemoryTokenStore,
  RefreshFailedError,
  type TokenPair,
  TransportError,
} from '../../src/client/index.ts';
import { RefreshCoordinator } from '../../src/client/refresh.ts';

const trigger = { method: 'GET', url: 'http://127.0.0.1:9/api/accounts/myself', route: undefined };
const first: TokenPair = { accessToken: 'at-1', refreshToken: 'rt-1' };
const second: TokenPair = { accessToken: 'at-2', refreshToken: 'rt-2' };

/** A spend the test finishes by hand, counting its calls and the tokens it was given. */
function manualSpend(store: MemoryTokenStore) {
  const spent: string[] = [];
  let finish: (outcome: TokenPair | Error) => void = () => {};
  const spend = (refreshToken: string) => {
    spent.push(refreshToken);
    return new Promise<TokenPair>((resolve, reject) => {
      finish = (outcome) => {
        if (outcome instanceof Error) reject(outcome);
        else store.save(outcome).then(() => resolve(outcome), reject);
      };
    });
  };
  return { spent, spend, finish: (outcome: TokenPair | Error) => finish(outcome) };
}

const refused = () =>
  new ApiError({
    request: { method: 'POST', url: 'http://127.0.0.1:9/api/auth/refresh', route: 'refresh' },
    status: 401,
  });

async function untilSpent(spent: string[], count: number): Promise<void> {
  while (spent.length < count) await new Promise((resolve) => setImmediate(resolve));
}

describe('RefreshCoordinator', () => {
  test('concurrent 401s share one refresh and all get its pair', async () => {
    const store = new MemoryTokenStore(first);
    const { spent, spend, finish } = manualSpend(store);
    const refreshes = new RefreshCoordinator(store, spend);

    const waiters = Array.from({ length: 10 }, () => refreshes.renewAfter401('at-1', trigger));
    await untilSpent(spent, 1);
    finish(second);

    expect(await Promise.all(waiters)).toEqual(Array(10).fill(second));
    expect(spent).toEqual(['rt-1']);
  });

  test('a caller whose access token was already replaced takes the stored pair without refreshing', async () => {
    const store = new MemoryTokenStore(second);
    const { spent, spend } = manualSpend(store);

    const pair = await new RefreshCoordinator(store, spend).renewAfter401('at-1', trigger);

    expect(pair).toEqual(second);
    expect(spent).toEqual([]);
  });

  test('a refused refresh rejects every waiter with the same RefreshFailedError; a late 401 gets it too without spending the token again', async () => {
    const store = new MemoryTokenStore(first);
    const { spent, spend, finish } = manualSpend(store);
    const refreshes = new RefreshCoordinator(store, spend);

    const waiters = [1, 2, 3].map(() =>
      refreshes.renewAfter401('at-1', trigger).catch((error: unknown) => error),
    );
    await untilSpent(spent, 1);
    const cause = refused();
    finish(cause);
    const errors = await Promise.all(waiters);

    expect(errors[0]).toBeInstanceOf(RefreshFailedError);
    expect(new Set(errors).size).toBe(1);
    expect((errors[0] as Error).cause).toBe(cause);
    expect((errors[0] as RefreshFailedError).request.route).toBe('refresh');

    // A 401 that arrives after the flight ended: the refused token is not sent a second time.
    const late = await refreshes.renewAfter401('at-1', trigger).catch((error: unknown) => error);
    expect(late).toBe(errors[0]);
    expect(spent).toEqual(['rt-1']);

    // A new login stores a new pair: its refresh token is spent as usual.
    const third: TokenPair = { accessToken: 'at-3', refreshToken: 'rt-3' };
    await store.save(third);
    const again = refreshes.renewAfter401('at-3', trigger);
    await untilSpent(spent, 2);
    finish(second);
    expect(await again).toEqual(second);
    expect(spent).toEqual(['rt-1', 'rt-3']);
  });

  test('a refresh that failed in transport blocks nothing: the next 401 spends the token again', async () => {
    const store = new MemoryTokenStore(first);
    const { spent, spend, finish } = manualSpend(store);
    const refreshes = new RefreshCoordinator(store, spend);

    const failed = refreshes.renewAfter401('at-1', trigger).catch((error: unknown) => error);
    await untilSpent(spent, 1);
    finish(
      new TransportError({ kind: 'timeout', request: trigger, what: 'no response headers within 10 ms' }),
    );
    expect(await failed).toBeInstanceOf(RefreshFailedError);

    const again = refreshes.renewAfter401('at-1', trigger);
    await untilSpent(spent, 2);
    finish(second);
    expect(await again).toEqual(second);
  });

  test("a refresh refused because another process spent the token first takes that process's stored pair", async () => {
    const store = new MemoryTokenStore(first);
    const { spent, spend, finish } = manualSpend(store);

    const renewed = new RefreshCoordinator(store, spend).renewAfter401('at-1', trigger);
    await untilSpent(spent, 1);
    await store.save(second); // the other process's rotation lands before our refresh is refused
    finish(refused());

    expect(await renewed).toEqual(second);
  });

  test('a store cleared meanwhile is a RefreshFailedError that says so, naming the request that got 401', async () => {
    const store = new MemoryTokenStore();
    const { spent, spend } = manualSpend(store);

    const error = await new RefreshCoordinator(store, spend)
      .renewAfter401('at-1', trigger)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RefreshFailedError);
    expect((error as Error).message).toContain('the token store was cleared meanwhile');
    expect((error as RefreshFailedError).request.url).toBe(trigger.url);
    expect(spent).toEqual([]);
  });

  test('settled() waits for the refresh in flight, however it ends', async () => {
    const store = new MemoryTokenStore(first);
    const { spent, spend, finish } = manualSpend(store);
    const refreshes = new RefreshCoordinator(store, spend);
    const flight = refreshes.renewAfter401('at-1', trigger).catch(() => undefined);
    await untilSpent(spent, 1);
    let settled = false;
    const waiting = refreshes.settled().then(() => {
      settled = true;
    });

    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    finish(refused());
    await waiting;
    await flight;
    expect(settled).toBe(true);
  });
});
