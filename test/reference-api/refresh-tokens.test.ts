// A refresh token works exactly once and rotates; reusing a spent one revokes its whole family
// (RFC 9700 §4.14.2), and a password change revokes every family of the account.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_PROTECTED_PATH } from '../../src/target/types.ts';
import { call, decodePart, latestCode, login, paths, startTestApi, type TestApi } from './support.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ refreshTokenSeconds: 600 });
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const refresh = (refreshToken: string) =>
  call(api.baseUrl, 'POST', paths.refresh, { json: { refreshToken } });

describe('refresh', () => {
  test('answers a new pair whose refresh token differs from the one spent', async () => {
    const first = await login(api, 'user');
    const reply = await refresh(first.refreshToken);
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(['accessToken', 'refreshToken']);
    expect(reply.body.refreshToken).not.toBe(first.refreshToken);
    expect(
      (await call(api.baseUrl, 'GET', DEFAULT_PROTECTED_PATH, { token: reply.body.accessToken })).status,
    ).toBe(200);
  });

  test('the refresh token is a JWT with the access claims plus jti and token_use', async () => {
    const { refreshToken } = await login(api, 'user');
    expect(decodePart(refreshToken, 0)).toEqual({ alg: 'RS256', typ: 'JWT' });
    const claims = decodePart(refreshToken, 1);
    expect(Object.keys(claims)).toEqual(['nbf', 'exp', 'iss', 'aud', 'sub', 'jti', 'token_use']);
    expect(claims.token_use).toBe('refresh');
    expect((claims.exp as number) - (claims.nbf as number)).toBe(600);
  });

  test('a chain of rotations keeps working, each token once', async () => {
    let { refreshToken } = await login(api, 'user');
    for (let i = 0; i < 5; i++) {
      const reply = await refresh(refreshToken);
      expect(reply.status).toBe(200);
      refreshToken = reply.body.refreshToken;
    }
  });

  test('a spent refresh token is rejected and revokes its whole family', async () => {
    const first = await login(api, 'user');
    const second = (await refresh(first.refreshToken)).body.refreshToken;
    const reuse = await refresh(first.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(reuse.body.detail).toContain('already used');
    const afterRevocation = await refresh(second);
    expect(afterRevocation.status).toBe(401);
    expect(afterRevocation.body.detail).toContain('revoked');
  });

  test("reuse revokes only the reused family, not the account's other sessions", async () => {
    const sessionA = await login(api, 'user');
    const sessionB = await login(api, 'user');
    await refresh(sessionA.refreshToken);
    await refresh(sessionA.refreshToken);
    expect((await refresh(sessionB.refreshToken)).status).toBe(200);
  });

  test('of concurrent refreshes with one token exactly one succeeds', async () => {
    const { refreshToken } = await login(api, 'user');
    const replies = await Promise.all(Array.from({ length: 10 }, () => refresh(refreshToken)));
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(1);
    expect(replies.filter((reply) => reply.status === 401)).toHaveLength(9);
  });

  test('an access token is not accepted as a refresh token', async () => {
    const { accessToken } = await login(api, 'user');
    const reply = await refresh(accessToken);
    expect(reply.status).toBe(401);
    expect(reply.body.detail).toContain('not a refresh token');
  });

  test('an expired refresh token is refused', async () => {
    const { refreshToken } = await login(api, 'user');
    api.clock.advance(600_000);
    expect((await refresh(refreshToken)).status).toBe(401);
  });

  test('a refresh token from before a reset is unknown afterwards', async () => {
    const { refreshToken } = await login(api, 'user');
    api.reset();
    expect((await refresh(refreshToken)).status).toBe(401);
  });

  test('the refresh token may come as the Bearer credential with no body', async () => {
    const { refreshToken } = await login(api, 'user');
    const bare = await call(api.baseUrl, 'POST', paths.refresh, { token: refreshToken });
    expect(bare.status).toBe(200);
    const withEmptyJson = await call(api.baseUrl, 'POST', paths.refresh, {
      token: bare.body.refreshToken,
      headers: { 'content-type': 'application/json' },
    });
    expect(withEmptyJson.status).toBe(200);
  });

  test.each([
    [undefined, 'refreshToken is required'],
    [{}, 'refreshToken is required'],
    [{ refreshToken: 42 }, 'refreshToken must be a string'],
    [{ refreshToken: '' }, 'refreshToken must not be empty'],
  ])('a refresh body %j answers 400 naming refreshToken', async (json, message) => {
    const reply = await call(api.baseUrl, 'POST', paths.refresh, json === undefined ? {} : { json });
    expect(reply.status).toBe(400);
    expect(reply.body.errors.refreshToken.join(' ')).toContain(message);
  });

  test('a garbage refresh token answers 401', async () => {
    expect((await refresh('a.b.c')).status).toBe(401);
    expect((await refresh('x'.repeat(5000))).status).toBe(401);
  });
});

describe('a password change', () => {
  test('revokes every refresh token family of the account and sets the new password', async () => {
    const recovery = api.accounts.recovery;
    const sessions = [await login(api, 'recovery'), await login(api, 'recovery')];
    const otherAccount = await login(api, 'user');
    await call(api.baseUrl, 'POST', paths.recoverPassword, { json: { email: recovery.email } });
    const change = await call(api.baseUrl, 'PUT', paths.changePasswordWithRecoveryCode, {
      json: {
        email: recovery.email,
        password: 'a-new-password-1',
        recoveryCode: await latestCode(api, recovery.email),
      },
    });
    expect(change.status).toBe(200);
    for (const session of sessions) expect((await refresh(session.refreshToken)).status).toBe(401);
    expect((await refresh(otherAccount.refreshToken)).status).toBe(200);
    const oldPassword = await call(api.baseUrl, 'POST', paths.login, {
      json: { email: recovery.email, password: recovery.password },
    });
    expect(oldPassword.status).toBe(401);
    const newPassword = await call(api.baseUrl, 'POST', paths.login, {
      json: { email: recovery.email, password: 'a-new-password-1' },
    });
    expect(newPassword.status).toBe(200);
    expect((await refresh(newPassword.body.refreshToken)).status).toBe(200);
  });
});
