// A broken, slow or rate-limiting server yields a typed error that names the request, never a crash or a hang.
import { afterEach, describe, expect, test } from 'vitest';
import {
  ApiError,
  AuthClient,
  type Exchange,
  MemoryTokenStore,
  TransportError,
} from '../../src/client/index.ts';
import { Transport } from '../../src/client/transport.ts';
import { REDACTED, redactText } from '../../src/redact/index.ts';
import { type FakeAuthServer, startFakeAuthServer } from './fixtures/fake-auth-server.ts';

let server: FakeAuthServer;
let client: AuthClient;

afterEach(async () => {
  await client?.close();
  await server?.close();
});

async function clientFor(options: ConstructorParameters<typeof AuthClient>[0]['options'] = {}) {
  server = await startFakeAuthServer();
  client = new AuthClient({ baseUrl: server.baseUrl, tokenStore: new MemoryTokenStore(), options });
  return client;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('transport failures', () => {
  test('a server that never answers gives a timeout TransportError naming the request', async () => {
    await clientFor({ timeoutMs: 200 });
    server.queue('login', { hang: true });

    const error = await failure(client.login(server.account));

    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe('timeout');
    expect((error as Error).message).toMatch(/^POST \/api\/auth\/login → no response headers within 200 ms/);
    expect((error as TransportError).request).toMatchObject({ method: 'POST', route: 'login' });
  });

  test('a body that stalls after the headers gives a timeout TransportError', async () => {
    await clientFor({ timeoutMs: 200 });
    server.queue('login', { stallBody: true });

    const error = await failure(client.login(server.account));

    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe('timeout');
    expect((error as Error).message).toMatch(
      /^POST \/api\/auth\/login → the response body did not complete within 200 ms/,
    );
  });

  test('a connection reset gives a connection TransportError naming the request', async () => {
    await clientFor();
    server.queue('recoverPassword', { reset: true });

    const error = await failure(client.recoverPassword('a@example.test'));

    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe('connection');
    expect((error as Error).message).toMatch(/^POST \/api\/auth\/recover-password → /);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  test('a refused connection names the URL', async () => {
    await clientFor();
    const url = server.baseUrl;
    await server.close();

    const error = await failure(client.recoverPassword('a@example.test'));

    expect((error as TransportError).kind).toBe('connection');
    expect((error as Error).message).toContain(`${url}/api/auth/recover-password`);
  });

  test('a 2xx whose body is not JSON is a malformed-response TransportError, not a crash', async () => {
    await clientFor();
    server.queue('login', { status: 200, raw: '{"accessToken": "eyJhbGciOi' });

    const error = await failure(client.login(server.account));

    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe('malformed-response');
    expect((error as TransportError).status).toBe(200);
    expect((error as Error).message).toMatch(
      /^POST \/api\/auth\/login → 200 OK but the body is not valid JSON/,
    );
  });

  test('a 2xx login body without tokens is a malformed-response TransportError', async () => {
    await clientFor();
    server.queue('login', { status: 200, body: { twoFactorRequired: true } });

    const error = await failure(client.login(server.account));

    expect((error as TransportError).kind).toBe('malformed-response');
    expect((error as Error).message).toMatch(/second factor/);
  });

  test('an error page that is not JSON is an ApiError with the status and a text excerpt', async () => {
    await clientFor();
    server.queue('login', { status: 502, raw: '<html><body>Bad gateway</body></html>' });

    const error = await failure(client.login(server.account));

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(502);
    expect((error as ApiError).problem).toBeUndefined();
    expect((error as ApiError).bodyText).toContain('Bad gateway');
  });

  test('an error whose JSON body is a bare string still says what the server said', async () => {
    await clientFor();
    server.queue('recoverPassword', { status: 400, body: 'email is not a valid address' });

    const error = await failure(client.recoverPassword('not-an-email'));

    expect((error as Error).message).toBe(
      'POST /api/auth/recover-password → 400 Bad Request: "email is not a valid address"',
    );
  });

  test('a problem+json error is parsed into the ApiError and its title ends the message', async () => {
    await clientFor();

    const error = await failure(client.login({ email: server.account.email, password: 'wrong-password' }));

    expect(error).toBeInstanceOf(ApiError);
    expect((error as Error).message).toBe('POST /api/auth/login → 401 Unauthorized: Invalid credentials');
    expect((error as ApiError).problem).toMatchObject({ title: 'Invalid credentials', status: 401 });
    expect((error as ApiError).headers['content-type']).toBe('application/problem+json');
  });
});

describe('rate limits', () => {
  const limited = (retryAfter?: string) => ({
    status: 429,
    body: { title: 'Too Many Requests' },
    ...(retryAfter === undefined ? {} : { headers: { 'retry-after': retryAfter } }),
  });

  test('by default a 429 is thrown at once, without waiting', async () => {
    await clientFor();
    server.queue('recoverPassword', limited('1'));

    const error = await failure(client.recoverPassword('a@example.test'));

    expect((error as ApiError).status).toBe(429);
    expect(server.counts.recoverPassword).toBe(1);
  });

  test('with a bound, a 429 is waited out (Retry-After) and retried, and each wait is reported', async () => {
    const exchanges: Exchange[] = [];
    await clientFor({
      rateLimit: { maxTotalWaitMs: 5_000 },
      onExchange: (exchange) => exchanges.push(exchange),
    });
    server.queue('recoverPassword', limited('0'), limited('0'));

    const response = await client.recoverPassword('a@example.test');

    expect(response.status).toBe(200);
    expect(server.counts.recoverPassword).toBe(3);
    expect(exchanges.map((exchange) => [exchange.status, exchange.retryAfterMs])).toEqual([
      [429, 50],
      [429, 50],
      [200, undefined],
    ]);
  });

  test('the total wait never exceeds the bound: the ApiError comes when the next wait would', async () => {
    const exchanges: Exchange[] = [];
    await clientFor({
      rateLimit: { maxTotalWaitMs: 1_500 },
      onExchange: (exchange) => exchanges.push(exchange),
    });
    server.queue('recoverPassword', limited('1'), limited('1'), limited('1'));

    const error = await failure(client.recoverPassword('a@example.test'));

    expect((error as ApiError).status).toBe(429);
    expect(server.counts.recoverPassword).toBe(2);
    expect(exchanges.map((exchange) => exchange.retryAfterMs)).toEqual([1000, undefined]);
  });

  test('a Retry-After longer than the bound is not waited at all', async () => {
    await clientFor({ rateLimit: { maxTotalWaitMs: 1_000 } });
    server.queue('recoverPassword', limited('3600'));

    const error = await failure(client.recoverPassword('a@example.test'));

    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).headers['retry-after']).toBe('3600');
    expect(server.counts.recoverPassword).toBe(1);
  });

  test('without Retry-After the waits back off exponentially', async () => {
    const exchanges: Exchange[] = [];
    await clientFor({
      rateLimit: { maxTotalWaitMs: 1_000 },
      onExchange: (exchange) => exchanges.push(exchange),
    });
    server.queue('recoverPassword', limited(), limited(), limited());

    const error = await failure(client.recoverPassword('a@example.test'));

    expect((error as ApiError).status).toBe(429);
    expect(exchanges.map((exchange) => exchange.retryAfterMs)).toEqual([250, 500, undefined]);
  });

  test('a 503 is retried only when it carries Retry-After (ASP.NET limiter), not as an outage', async () => {
    await clientFor({ rateLimit: { maxTotalWaitMs: 1_000 } });
    server.queue(
      'recoverPassword',
      { status: 503, body: {} },
      { status: 503, body: {}, headers: { 'retry-after': '0' } },
    );

    const outage = await failure(client.recoverPassword('a@example.test'));
    const limitedThenOk = await client.recoverPassword('a@example.test');

    expect((outage as ApiError).status).toBe(503);
    expect(limitedThenOk.status).toBe(200);
    expect(server.counts.recoverPassword).toBe(3);
  });
});

describe('secrets the transport registers (the one place the client does)', () => {
  const send = (transport: Transport, reply: Parameters<FakeAuthServer['queue']>[1], body: unknown) => {
    server.queue('login', reply);
    return transport.send({
      method: 'POST',
      path: '/api/auth/login',
      route: 'login',
      body,
      bearer: 'Opaque-Bearer-7Kp2',
    });
  };

  test('what goes out under a sensitive key or as Bearer, and what a 2xx brings back under one, is masked in any text', async () => {
    await clientFor();
    const transport = new Transport(new URL(server.baseUrl));
    const reply = {
      body: {
        accessToken: 'Opaque-Access-4Qz8',
        refreshToken: { value: 'Opaque-Refresh-9Wm3', expiresIn: 3600 },
      },
    };

    await send(transport, reply, {
      email: 'a@example.test',
      password: 'Sent-Passw0rd-5Tn1',
      change: { recoveryCode: 902718 },
    });
    await transport.close();

    const secrets = 'Sent-Passw0rd-5Tn1 902718 Opaque-Bearer-7Kp2 Opaque-Access-4Qz8 Opaque-Refresh-9Wm3';
    expect(redactText(secrets)).toBe(Array(5).fill(REDACTED).join(' '));
    // Not under a sensitive key, or a number only beside one: ordinary text stays readable.
    expect(redactText('a@example.test 3600')).toBe('a@example.test 3600');
  });

  test('an error answer registers nothing, so a problem "code" does not mask that word everywhere', async () => {
    await clientFor();
    const transport = new Transport(new URL(server.baseUrl));

    const raw = await send(
      transport,
      { status: 423, body: { code: 'AccountLockedNow', token: 'Error-Token-3Vb6' } },
      {},
    );
    await transport.close();

    expect(raw.status).toBe(423);
    expect(redactText('AccountLockedNow Error-Token-3Vb6')).toBe('AccountLockedNow Error-Token-3Vb6');
  });
});
