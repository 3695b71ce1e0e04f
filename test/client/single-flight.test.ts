// Refresh tokens are one-time, so a 401 must lead to exactly one refresh however many callers see it.
import { afterEach, describe, expect, test } from 'vitest';
import {
  ApiError,
  AuthClient,
  MemoryTokenStore,
  RefreshFailedError,
  type TokenStore,
} from '../../src/client/index.ts';
import {
  type FakeAuthServer,
  type FakeAuthServerOptions,
  startFakeAuthServer,
} from './fixtures/fake-auth-server.ts';

let server: FakeAuthServer;
let client: AuthClient;

afterEach(async () => {
  await client?.close();
  await server?.close();
});

/**
 * Holds the refresh on the server until the client has received `count` 401s, so every caller
 * has seen its 401 while the refresh is in flight (no timing involved). Call the returned
 * function after starting the calls.
 */
async function holdRefreshUntilClientSaw(count: number): Promise<() => void> {
  const release = server.holdRefreshes();
  let unauthorized = 0;
  let allSeen: () => void = () => {};
  const seen = new Promise<void>((resolve) => {
    allSeen = resolve;
  });
  const store = client.tokenStore;
  await client.close();
  client = new AuthClient({
    baseUrl: server.baseUrl,
    tokenStore: store,
    options: {
      onExchange: (exchange) => {
        if (exchange.status === 401 && exchange.route === undefined && ++unauthorized === count) allSeen();
      },
    },
  });
  return () => {
    // A macrotask after the last 401, so each caller has reached the shared refresh.
    seen.then(() => setImmediate(release));
  };
}

async function loggedIn(options: FakeAuthServerOptions = {}, store: TokenStore = new MemoryTokenStore()) {
  server = await startFakeAuthServer(options);
  client = new AuthClient({ baseUrl: server.baseUrl, tokenStore: store });
  await client.login(server.account);
  return store;
}

describe('401-triggered refresh', () => {
  test('50 concurrent calls with an expired access token cause exactly one refresh, and all succeed', async () => {
    const store = await loggedIn();
    server.expireAccessTokens();
    const release = await holdRefreshUntilClientSaw(50);

    const calls = Array.from({ length: 50 }, () => client.requestProtected());
    release();
    const results = await Promise.all(calls);

    expect(results.map((result) => result.status)).toEqual(Array(50).fill(200));
    expect(server.counts.refresh).toBe(1);
    expect(server.counts.protected).toBe(100);
    expect(await store.load()).toEqual(server.issued.at(-1));
    expect(server.issued).toHaveLength(2);
  });

  test('every waiter of a failed refresh gets the same RefreshFailedError, and the next login works', async () => {
    await loggedIn();
    server.expireAccessTokens();
    server.queue('refresh', { status: 401, body: { title: 'Invalid or spent refresh token' } });
    const release = await holdRefreshUntilClientSaw(10);

    const calls = Array.from({ length: 10 }, () => client.requestProtected());
    release();
    const outcomes = await Promise.allSettled(calls);

    const reasons = outcomes.map((outcome) =>
      outcome.status === 'rejected' ? outcome.reason : outcome.value,
    );
    expect(reasons[0]).toBeInstanceOf(RefreshFailedError);
    expect(new Set(reasons).size).toBe(1);
    expect((reasons[0] as RefreshFailedError).cause).toBeInstanceOf(ApiError);
    expect(((reasons[0] as RefreshFailedError).cause as ApiError).status).toBe(401);
    expect(server.counts.refresh).toBe(1);

    await client.login(server.account);
    await expect(client.requestProtected()).resolves.toMatchObject({ status: 200 });
  });

  test('after a failed refresh the next 401 refreshes again instead of reusing the failure', async () => {
    await loggedIn();
    server.expireAccessTokens();
    server.queue('refresh', { status: 503, body: { title: 'try later' } });

    await expect(client.requestProtected()).rejects.toBeInstanceOf(RefreshFailedError);
    // The stored refresh token was not spent by the 503, so a second attempt can still use it.
    await expect(client.requestProtected()).resolves.toMatchObject({ status: 200 });
    expect(server.counts.refresh).toBe(2);
  });

  test("the refresh call's own 401 never triggers another refresh", async () => {
    await loggedIn();
    server.queue('refresh', { status: 401, body: { title: 'Invalid or spent refresh token' } });

    const error = await client.refresh().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(server.counts.refresh).toBe(1);
  });

  test('a spent refresh token passed explicitly is rejected with the ApiError', async () => {
    const store = await loggedIn();
    const first = await store.load();
    await client.refresh();

    const error = await client.refresh(first!.refreshToken).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).request.route).toBe('refresh');
    expect(server.counts.refresh).toBe(2);
  });

  test('a caller whose token was already replaced by another writer retries without refreshing', async () => {
    const store = await loggedIn();
    const stale = (await store.load())!;
    // Another client (or process) sharing the store refreshes first.
    const other = new AuthClient({ baseUrl: server.baseUrl, tokenStore: store });
    const replaced = await other.refresh();
    await other.close();
    server.expireAccessTokens(stale.accessToken);
    // Our request loaded the store before the other writer saved, so it goes out with the stale token.
    let loads = 0;
    const racing: TokenStore = {
      load: async () => (++loads === 1 ? { ...stale } : store.load()),
      save: (pair) => store.save(pair),
      clear: () => store.clear(),
    };
    const ours = new AuthClient({ baseUrl: server.baseUrl, tokenStore: racing });

    const response = await ours.requestProtected();
    await ours.close();

    expect(response.status).toBe(200);
    expect(server.counts.refresh).toBe(1);
    const sent = server.requests
      .filter((request) => request.route === 'protected')
      .map((r) => r.headers.authorization);
    expect(sent).toEqual([`Bearer ${stale.accessToken}`, `Bearer ${replaced.accessToken}`]);
  });

  test('the original request is retried once only: a server that always answers 401 gets one refresh', async () => {
    await loggedIn();
    server.queue(
      'protected',
      ...Array.from({ length: 5 }, () => ({ status: 401, body: { title: 'Unauthorized' } })),
    );

    const error = await client.requestProtected().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(server.counts.refresh).toBe(1);
    expect(server.counts.protected).toBe(2);
  });

  test('without a stored pair a 401 is the answer: nothing to refresh', async () => {
    server = await startFakeAuthServer();
    client = new AuthClient({ baseUrl: server.baseUrl, tokenStore: new MemoryTokenStore() });

    const error = await client.unblockRecoveryCode('user@example.test').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(server.counts.refresh).toBe(0);
    expect(server.requests.at(-1)?.headers.authorization).toBeUndefined();
  });

  test('the rotated pair is in the store before the retried request is sent', async () => {
    const store = await loggedIn();
    server.expireAccessTokens();
    const realSave = store.save.bind(store);
    const protectedCallsAtSave: number[] = [];
    // A slow disk: a client that does not wait for the save would retry meanwhile.
    store.save = async (pair) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await realSave(pair);
      protectedCallsAtSave.push(server.counts.protected);
    };

    await client.requestProtected();

    // Saved after the first (401) call and before the retry reached the server.
    expect(protectedCallsAtSave).toEqual([1]);
    expect(server.counts.protected).toBe(2);
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${server.issued.at(-1)?.accessToken}`);
  });

  test('a caller-supplied authorization header is sent as given and its 401 is not refreshed', async () => {
    await loggedIn();

    const error = await client
      .request('GET', '/api/accounts/myself', { headers: { authorization: 'Bearer not-a-token' } })
      .catch((caught: unknown) => caught);

    expect((error as ApiError).status).toBe(401);
    expect(server.counts.refresh).toBe(0);
  });
});
