// The target options the spec leaves OPEN change what goes on the wire, and nothing else.
import { afterEach, describe, expect, test } from 'vitest';
import { AuthClient, MemoryTokenStore, TransportError } from '../../src/client/index.ts';
import { type FakeAuthServer, startFakeAuthServer } from './fixtures/fake-auth-server.ts';

let server: FakeAuthServer;
let client: AuthClient;

afterEach(async () => {
  await client?.close();
  await server?.close();
});

describe('target options', () => {
  test('refreshTokenIn "body" sends { refreshToken } as JSON and no Authorization header', async () => {
    server = await startFakeAuthServer();
    client = new AuthClient({ baseUrl: server.baseUrl, tokenStore: new MemoryTokenStore() });
    const first = await client.login(server.account);

    await client.refresh();

    const sent = server.requests.find((request) => request.route === 'refresh');
    expect(sent?.body).toEqual({ refreshToken: first.refreshToken });
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers.accept).toBe('application/json');
  });

  test('refreshTokenIn "bearer" sends the refresh token as the Bearer credential with no body', async () => {
    server = await startFakeAuthServer({ refreshTokenIn: 'bearer' });
    const store = new MemoryTokenStore();
    client = new AuthClient({
      baseUrl: server.baseUrl,
      tokenStore: store,
      options: { refreshTokenIn: 'bearer' },
    });
    const first = await client.login(server.account);

    const second = await client.refresh();

    const sent = server.requests.find((request) => request.route === 'refresh');
    expect(sent?.headers.authorization).toBe(`Bearer ${first.refreshToken}`);
    expect(sent?.rawBody).toBe('');
    expect(second).toEqual(server.issued.at(-1));
    expect(await store.load()).toEqual(second);
  });

  test('refreshTokenShape "object" takes the token out of { token } and sends the string back', async () => {
    server = await startFakeAuthServer({ refreshTokenShape: 'object' });
    const store = new MemoryTokenStore();
    client = new AuthClient({
      baseUrl: server.baseUrl,
      tokenStore: store,
      options: { refreshTokenShape: 'object' },
    });
    await client.login(server.account);

    const second = await client.refresh();
    await client.refresh();

    expect(second.refreshToken).toBe(server.issued[1]?.refreshToken);
    const sent = server.requests
      .filter((request) => request.route === 'refresh')
      .map((request) => request.body);
    expect(sent).toEqual([
      { refreshToken: server.issued[0]?.refreshToken },
      { refreshToken: second.refreshToken },
    ]);
    expect(await store.load()).toEqual(server.issued[2]);
  });

  test.each([
    ['value', { value: 'rt-value-1234' }],
    ['refreshToken', { refreshToken: 'rt-nested-1234' }],
  ])('refreshTokenKey %s takes the token from that member', async (key, refreshToken) => {
    server = await startFakeAuthServer();
    client = new AuthClient({
      baseUrl: server.baseUrl,
      tokenStore: new MemoryTokenStore(),
      options: { refreshTokenShape: 'object', refreshTokenKey: key },
    });
    server.queue('refresh', { body: { accessToken: 'at-1234', refreshToken } });

    const pair = await client.refresh('rt-old-1234');

    expect(pair).toEqual({ accessToken: 'at-1234', refreshToken: Object.values(refreshToken)[0] });
  });

  test('an object without a string under the declared key names the members it has and the option', async () => {
    server = await startFakeAuthServer();
    client = new AuthClient({
      baseUrl: server.baseUrl,
      tokenStore: new MemoryTokenStore(),
      options: { refreshTokenShape: 'object' },
    });
    server.queue('refresh', { body: { accessToken: 'at-1234', refreshToken: { value: 'rt-value-1234' } } });

    const error = await client.refresh('rt-old-1234').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(
      /refreshToken is an object without a string under "token" \(its string members: "value"\) — set options\.refreshTokenKey/,
    );
  });

  test('a refresh response of the other shape names the option to set', async () => {
    server = await startFakeAuthServer({ refreshTokenShape: 'object' });
    client = new AuthClient({ baseUrl: server.baseUrl, tokenStore: new MemoryTokenStore() });
    await client.login(server.account);

    const error = await client.refresh().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe('malformed-response');
    expect((error as Error).message).toMatch(
      /POST \/api\/auth\/refresh → 200 OK but refreshToken is an object/,
    );
    expect((error as Error).message).toMatch(/refreshTokenShape/);
  });

  test('recoveryCodeType "number" sends the code as a JSON number', async () => {
    server = await startFakeAuthServer();
    client = new AuthClient({
      baseUrl: server.baseUrl,
      tokenStore: new MemoryTokenStore(),
      options: { recoveryCodeType: 'number' },
    });

    await client.changePasswordWithRecoveryCode({
      email: 'a@example.test',
      password: 'n3w-Secret!',
      recoveryCode: '123456',
    });

    const sent = server.requests.find((request) => request.route === 'changePasswordWithRecoveryCode');
    expect(sent?.rawBody).toContain('"recoveryCode":123456');
    expect(sent?.body).toEqual({ email: 'a@example.test', password: 'n3w-Secret!', recoveryCode: 123456 });
    expect(sent?.method).toBe('PUT');
  });

  test('recoveryCodeType "string" (the default) sends the code as a string, even when given a number', async () => {
    server = await startFakeAuthServer();
    client = new AuthClient({ baseUrl: server.baseUrl, tokenStore: new MemoryTokenStore() });

    await client.changePasswordWithRecoveryCode({
      email: 'a@example.test',
      password: 'n3w-Secret!',
      recoveryCode: 654321,
    });

    const sent = server.requests.find((request) => request.route === 'changePasswordWithRecoveryCode');
    expect(sent?.body).toMatchObject({ recoveryCode: '654321' });
  });

  test('recoveryCodeType "number" refuses a code that is not digits, without quoting it', async () => {
    server = await startFakeAuthServer();
    client = new AuthClient({
      baseUrl: server.baseUrl,
      tokenStore: new MemoryTokenStore(),
      options: { recoveryCodeType: 'number' },
    });

    const error = await client
      .changePasswordWithRecoveryCode({
        email: 'a@example.test',
        password: 'x-Secret-1',
        recoveryCode: 'AB12CD',
      })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).not.toContain('AB12CD');
    expect(server.counts.changePasswordWithRecoveryCode).toBe(0);
  });

  test('route overrides and the protected path are where the client sends its calls', async () => {
    const paths = {
      login: '/v2/session',
      refresh: '/v2/session/renew',
      recoverPassword: '/v2/recovery',
      changePasswordWithRecoveryCode: '/v2/recovery/password',
      unblockRecoveryCode: '/api/accounts/unblock-recovery-code',
    };
    server = await startFakeAuthServer({ paths, protectedPath: '/v2/me' });
    client = new AuthClient({
      baseUrl: server.baseUrl,
      tokenStore: new MemoryTokenStore(),
      options: { paths, protectedPath: '/v2/me' },
    });

    await client.login(server.account);
    await client.refresh();
    await client.recoverPassword('a@example.test');
    await client.changePasswordWithRecoveryCode({
      email: 'a@example.test',
      password: 'n3w-Secret!',
      recoveryCode: '123456',
    });
    await client.unblockRecoveryCode('a@example.test');
    await client.requestProtected();

    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /v2/session',
      'POST /v2/session/renew',
      'POST /v2/recovery',
      'PUT /v2/recovery/password',
      'POST /api/accounts/unblock-recovery-code',
      'GET /v2/me',
    ]);
  });

  test('a base URL with a path prefix keeps the prefix', async () => {
    server = await startFakeAuthServer({ paths: { login: '/gw/api/auth/login' } });
    client = new AuthClient({ baseUrl: `${server.baseUrl}/gw/`, tokenStore: new MemoryTokenStore() });

    await client.login(server.account);

    expect(server.requests.at(-1)?.path).toBe('/gw/api/auth/login');
  });

  test('login sends skipMultiFactorAuthentication true unless told otherwise', async () => {
    server = await startFakeAuthServer();
    client = new AuthClient({ baseUrl: server.baseUrl, tokenStore: new MemoryTokenStore() });

    await client.login(server.account);
    await client.login({ ...server.account, skipMultiFactorAuthentication: false });

    const sent = server.requests.map(
      (request) => (request.body as Record<string, unknown>).skipMultiFactorAuthentication,
    );
    expect(sent).toEqual([true, false]);
  });
});
