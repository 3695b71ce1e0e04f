// Passwords, tokens and recovery codes never reach an error, its JSON, its stack or a trace, even when the server echoes them.
import { inspect } from 'node:util';
import { describe, expect, test } from 'vitest';
import {
  ApiError,
  AuthClient,
  type Exchange,
  MemoryTokenStore,
  RefreshFailedError,
  TransportError,
} from '../../src/client/index.ts';
import { startFakeAuthServer } from './fixtures/fake-auth-server.ts';

/** Every way an error or trace can be printed. */
function renderings(error: unknown, exchanges: Exchange[]): Record<string, string> {
  const err = error as Error;
  return {
    string: String(err),
    json: JSON.stringify(err),
    stack: err.stack ?? '',
    inspect: inspect(err, { depth: 20 }),
    trace: JSON.stringify(exchanges),
  };
}

/** Fails when any 6-character piece of a secret shows up (recovery codes are exactly 6). */
function expectAbsent(outputs: Record<string, string>, secrets: string[]): void {
  const leaks: string[] = [];
  for (const secret of secrets) {
    for (let start = 0; start + 6 <= secret.length; start++) {
      const piece = secret.slice(start, start + 6);
      for (const [where, text] of Object.entries(outputs)) {
        if (text.includes(piece)) leaks.push(`${where}: ${piece}`);
      }
    }
  }
  expect(leaks).toEqual([]);
}

async function tracedClient() {
  const server = await startFakeAuthServer();
  const exchanges: Exchange[] = [];
  const client = new AuthClient({
    baseUrl: server.baseUrl,
    tokenStore: new MemoryTokenStore(),
    options: { onExchange: (exchange) => exchanges.push(exchange) },
  });
  const close = async () => {
    await client.close();
    await server.close();
  };
  return { server, client, exchanges, close };
}

describe('redaction in errors and traces', () => {
  test('a failed login that echoes the password hides it everywhere', async () => {
    const { server, client, exchanges, close } = await tracedClient();
    const password = 'Corr3ct-Horse-Battery';
    server.queue('login', {
      status: 401,
      headers: { 'x-debug': `password=${password}`, 'set-cookie': 'sid=Sess10nS3cret; HttpOnly' },
      body: { title: `Invalid credentials for password ${password}`, detail: password, password },
    });

    const error = await client
      .login({ email: server.account.email, password })
      .catch((caught: unknown) => caught);
    await close();

    expect(error).toBeInstanceOf(ApiError);
    const outputs = renderings(error, exchanges);
    expectAbsent(outputs, [password, 'Sess10nS3cret']);
    // The message still says what happened.
    expect(outputs.string).toMatch(
      /^ApiError: POST \/api\/auth\/login → 401 Unauthorized: Invalid credentials for/,
    );
    expect(outputs.trace).toContain('"password":"[REDACTED]"');
  });

  test('a failed refresh that echoes both tokens hides them in the RefreshFailedError and its cause', async () => {
    const { server, client, exchanges, close } = await tracedClient();
    const pair = await client.login(server.account);
    server.expireAccessTokens();
    server.queue('refresh', {
      status: 401,
      headers: { 'www-authenticate': `Bearer error="invalid_token" token=${pair.refreshToken}` },
      body: {
        title: 'Invalid refresh token',
        detail: `spent: ${pair.refreshToken}`,
        refreshToken: pair.refreshToken,
      },
    });

    const error = await client.requestProtected().catch((caught: unknown) => caught);
    await close();

    expect(error).toBeInstanceOf(RefreshFailedError);
    const outputs = renderings(error, exchanges);
    expectAbsent(outputs, [pair.accessToken, pair.refreshToken, server.account.password]);
    expect(outputs.inspect).toContain('Invalid refresh token');
  });

  test('opaque (non-JWT) tokens the server issued are hidden too, because the client registers them', async () => {
    const { server, client, exchanges, close } = await tracedClient();
    const accessToken = 'Xq7a9Vt2Lw8Rk5Zp';
    const refreshToken = 'Mn3Bv6Cx9Zl2Kj4H';
    server.queue('login', { body: { accessToken, refreshToken } });
    await client.login(server.account);
    server.queue('protected', {
      status: 403,
      body: { title: `token ${accessToken} may not do this (${refreshToken})` },
    });

    const error = await client.requestProtected().catch((caught: unknown) => caught);
    await close();

    expect((error as ApiError).status).toBe(403);
    expectAbsent(renderings(error, exchanges), [accessToken, refreshToken]);
  });

  test('a wrong recovery code and the new password are hidden, though a code looks like any number', async () => {
    const { server, client, exchanges, close } = await tracedClient();
    const recoveryCode = '830274';
    const newPassword = 'Br4nd-New-Passw0rd';
    server.queue('changePasswordWithRecoveryCode', {
      status: 400,
      body: { title: `Recovery code ${recoveryCode} is wrong`, errors: { password: [newPassword] } },
    });

    const error = await client
      .changePasswordWithRecoveryCode({ email: 'user@example.test', password: newPassword, recoveryCode })
      .catch((caught: unknown) => caught);
    await close();

    expect((error as ApiError).status).toBe(400);
    expectAbsent(renderings(error, exchanges), [recoveryCode, newPassword]);
  });

  test('a malformed 2xx body quoting a token does not leak it through the parser message', async () => {
    const { server, client, exchanges, close } = await tracedClient();
    const leaked = 'Qw9Er8Ty7Ui6Op5A';
    server.queue('login', { raw: `{"accessToken": ${leaked}` });

    const error = await client.login(server.account).catch((caught: unknown) => caught);
    await close();

    expect(error).toBeInstanceOf(TransportError);
    expectAbsent(renderings(error, exchanges), [leaked, server.account.password]);
  });

  test('the Authorization header of every traced request is masked', async () => {
    const { server, client, exchanges, close } = await tracedClient();
    const pair = await client.login(server.account);
    await client.requestProtected();
    await client.refresh();
    await close();

    const trace = JSON.stringify(exchanges);
    expectAbsent({ trace }, [pair.accessToken, pair.refreshToken, ...Object.values(server.issued.at(-1)!)]);
    expect(exchanges[1]?.request.headers.authorization).toBe('Bearer [REDACTED]');
    expect(exchanges[2]?.request.body).toEqual({ refreshToken: 'eyJ…[REDACTED]' });
  });
});
