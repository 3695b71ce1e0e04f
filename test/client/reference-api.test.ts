// Against the real reference API (one-time refresh tokens, family revocation, a movable clock), an expired token costs exactly one refresh.
import { request as httpRequest } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  ApiError,
  AuthClient,
  type Exchange,
  MemoryTokenStore,
  RefreshFailedError,
} from '../../src/client/index.ts';
import { type RunningReferenceApi, startReferenceApi } from '../../src/reference-api/index.ts';
import { testKeys } from '../reference-api/support.ts';

let api: RunningReferenceApi;
const clients: AuthClient[] = [];

beforeAll(async () => {
  api = await startReferenceApi({ control: true, keys: await testKeys() });
});

afterAll(async () => {
  await api?.close();
});

beforeEach(async () => {
  await control('POST', '/reset');
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

async function control(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await httpRequest(`${api.controlUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.body.json()) as Record<string, unknown>;
  expect(response.statusCode, `control ${method} ${path}`).toBe(200);
  return json;
}

const stats = async () => (await control('GET', '/stats')) as Record<string, number>;
/** Moves the server clock past the access token's 3600 s lifetime. */
const expireAccessTokens = () => control('POST', '/clock', { advanceSeconds: 3601 });

function newClient(
  options: ConstructorParameters<typeof AuthClient>[0]['options'] = {},
  baseUrl = api.baseUrl,
) {
  const store = new MemoryTokenStore();
  const client = new AuthClient({ baseUrl, tokenStore: store, options });
  clients.push(client);
  return { client, store };
}

describe('AuthClient against the reference API', () => {
  test('50 concurrent calls with an expired access token make exactly one refresh request', async () => {
    const { client, store } = newClient();
    const first = await client.login(api.accounts.propertyManagementCompany);
    await expireAccessTokens();
    const before = await stats();

    const results = await Promise.all(Array.from({ length: 50 }, () => client.requestProtected()));

    const after = await stats();
    expect(results.every((result) => result.status === 200)).toBe(true);
    expect(after.refresh! - before.refresh!).toBe(1);
    const stored = await store.load();
    expect(stored?.refreshToken).not.toBe(first.refreshToken);
    // The server agrees the old refresh token is spent and the stored one is live.
    await expect(client.refresh(first.refreshToken)).rejects.toMatchObject({ status: 401 });
  });

  test('an expired access token is refreshed once and the call retried once, in that order', async () => {
    const exchanges: Exchange[] = [];
    const { client } = newClient({ onExchange: (exchange) => exchanges.push(exchange) });
    await client.login(api.accounts.user);
    await expireAccessTokens();

    const response = await client.requestProtected();

    expect(response.status).toBe(200);
    expect(
      exchanges.map((exchange) => [exchange.route ?? exchange.url.replace(api.baseUrl, ''), exchange.status]),
    ).toEqual([
      ['login', 200],
      ['/api/accounts/myself', 401],
      ['refresh', 200],
      ['/api/accounts/myself', 200],
    ]);
    expect(exchanges.at(-1)?.retryAfterRefresh).toBe(true);
  });

  test('a stored refresh token spent elsewhere fails every waiter with one RefreshFailedError; a new login recovers', async () => {
    const { client, store } = newClient();
    const pair = await client.login(api.accounts.contractor);
    // Someone else spends our refresh token.
    const { client: thief } = newClient();
    await thief.refresh(pair.refreshToken);
    await expireAccessTokens();

    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => client.requestProtected()));

    const reasons = new Set(
      outcomes.map((outcome) => (outcome.status === 'rejected' ? outcome.reason : 'fulfilled')),
    );
    expect(reasons.size).toBe(1);
    const [error] = reasons;
    expect(error).toBeInstanceOf(RefreshFailedError);
    expect((error as RefreshFailedError).cause).toBeInstanceOf(ApiError);
    expect(((error as RefreshFailedError).cause as ApiError).status).toBe(401);
    expect(await store.load()).toEqual(pair);

    await client.login(api.accounts.contractor);
    await expect(client.requestProtected()).resolves.toMatchObject({ status: 200 });
  });

  test('unblock-recovery-code is an authenticated call that survives an expired token', async () => {
    const { client } = newClient();
    await client.login(api.accounts.propertyManagementCompany);
    await expireAccessTokens();
    const before = await stats();

    const response = await client.unblockRecoveryCode(api.accounts.recovery.email);

    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
    expect((await stats()).refresh! - before.refresh!).toBe(1);
  });

  test('wrong credentials surface as an ApiError carrying the problem details', async () => {
    const { client } = newClient();

    const error = await client
      .login({ email: api.accounts.user.email, password: 'definitely-wrong' })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).problem?.status).toBe(401);
    expect((error as Error).message).toMatch(/^POST \/api\/auth\/login → 401 Unauthorized/);
  });
});

describe('AuthClient against a rate-limited reference API', () => {
  let limited: RunningReferenceApi;

  beforeAll(async () => {
    limited = await startReferenceApi({
      keys: await testKeys(),
      limits: { permitLimit: 1, windowSeconds: 1, retryAfter: true },
    });
  });

  afterAll(async () => {
    await limited?.close();
  });

  test('without a wait bound the 429 is thrown with its Retry-After', async () => {
    const { client } = newClient({}, limited.baseUrl);
    await client.recoverPassword(limited.accounts.user.email);

    const error = await client
      .recoverPassword(limited.accounts.user.email)
      .catch((caught: unknown) => caught);

    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).headers['retry-after']).toMatch(/^\d+$/);
  });

  test('with a wait bound the client waits as told and the call goes through', async () => {
    const exchanges: Exchange[] = [];
    const { client } = newClient(
      { rateLimit: { maxTotalWaitMs: 5_000 }, onExchange: (exchange) => exchanges.push(exchange) },
      limited.baseUrl,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // a fresh window for this test
    await client.recoverPassword(limited.accounts.user.email);

    const response = await client.recoverPassword(limited.accounts.user.email);

    expect(response.status).toBe(200);
    const waits = exchanges.filter((exchange) => exchange.retryAfterMs !== undefined);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((exchange) => exchange.status === 429)).toBe(true);
  });
});
