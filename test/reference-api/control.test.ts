// The control API exists only when asked for, and then moves the clock, resets to the seeded
// state, reports recovery state and request counts, and switches defects at run time.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_PROTECTED_PATH } from '../../src/target/types.ts';
import { call, latestCode, login, paths, startTestApi, type TestApi } from './support.ts';

describe('without control: true', () => {
  test('every control route answers 404', async () => {
    const api = await startTestApi();
    try {
      expect(api.controlUrl).toBeUndefined();
      for (const [method, path] of [
        ['GET', '/_control/clock'],
        ['POST', '/_control/clock'],
        ['POST', '/_control/reset'],
        ['GET', '/_control/stats'],
        ['PUT', '/_control/defects'],
        ['GET', `/_control/accounts/${encodeURIComponent(api.accounts.recovery.email)}/recovery`],
      ] as const) {
        expect((await call(api.baseUrl, method, path, { json: {} })).status).toBe(404);
      }
    } finally {
      await api.close();
    }
  });
});

describe('with control: true', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ control: true, limits: { routes: [] } });
  });
  afterAll(() => api.close());
  beforeEach(() => api.reset());

  const control = (method: string, path: string, json?: unknown) =>
    call(api.controlUrl!, method, path, json === undefined ? {} : { json });

  test('controlUrl is baseUrl/_control', () => {
    expect(api.controlUrl).toBe(`${api.baseUrl}/_control`);
  });

  test('the clock is read, advanced and set', async () => {
    const start = api.clock.now();
    expect((await control('GET', '/clock')).body).toEqual({ now: new Date(start).toISOString() });
    const advanced = await control('POST', '/clock', { advanceSeconds: 90 });
    expect(advanced.body.now).toBe(new Date(start + 90_000).toISOString());
    const set = await control('POST', '/clock', { set: '2031-02-03T04:05:06.000Z' });
    expect(set.body.now).toBe('2031-02-03T04:05:06.000Z');
    expect(api.clock.now()).toBe(Date.parse('2031-02-03T04:05:06.000Z'));
  });

  test('moving the clock expires tokens the server issued', async () => {
    const { accessToken } = await login(api, 'user');
    await control('POST', '/clock', { advanceSeconds: 3600 });
    expect((await call(api.baseUrl, 'GET', DEFAULT_PROTECTED_PATH, { token: accessToken })).status).toBe(401);
  });

  test('a malformed clock body answers 400', async () => {
    expect((await control('POST', '/clock', { advanceSeconds: 'soon' })).status).toBe(400);
    expect((await control('POST', '/clock', { set: 'yesterday' })).status).toBe(400);
  });

  test('the clock cannot be moved beyond dates that print as ISO, so nothing later fails with a 500', async () => {
    const start = api.clock.now();
    expect((await control('POST', '/clock', { advanceSeconds: 1e300 })).status).toBe(400);
    expect((await control('POST', '/clock', { set: '+275760-09-13T00:00:00.000Z' })).status).toBe(400);
    expect((await control('POST', '/clock', { set: '1969-12-31T23:59:59.999Z' })).status).toBe(400);
    expect(api.clock.now()).toBe(start);
  });

  test('reset restores passwords, tokens, outbox, recovery state and clock', async () => {
    const recovery = api.accounts.recovery;
    const { refreshToken } = await login(api, 'user');
    await call(api.baseUrl, 'POST', paths.recoverPassword, { json: { email: recovery.email } });
    await call(api.baseUrl, 'PUT', paths.changePasswordWithRecoveryCode, {
      json: {
        email: recovery.email,
        password: 'changed-password-1',
        recoveryCode: await latestCode(api, recovery.email),
      },
    });
    await control('POST', '/clock', { advanceSeconds: 500 });
    const reset = await control('POST', '/reset');
    expect(reset.status).toBe(200);
    expect(api.clock.offsetMs).toBe(0);
    const oldPassword = await call(api.baseUrl, 'POST', paths.login, {
      json: { email: recovery.email, password: recovery.password },
    });
    expect(oldPassword.status).toBe(200);
    expect((await call(api.baseUrl, 'POST', paths.refresh, { json: { refreshToken } })).status).toBe(401);
    expect((await call(api.mailboxUrl, 'GET', '/api/v1/messages')).body.messages_count).toBe(0);
  });

  test('the recovery state of an account is readable; an unknown address answers 404', async () => {
    const email = api.accounts.recovery.email;
    const before = await control('GET', `/accounts/${encodeURIComponent(email)}/recovery`);
    expect(before.body).toEqual({
      email,
      failedAttempts: 0,
      blocked: false,
      blockedUntil: null,
      codeIssued: false,
    });
    await call(api.baseUrl, 'POST', paths.recoverPassword, { json: { email } });
    expect((await control('GET', `/accounts/${encodeURIComponent(email)}/recovery`)).body.codeIssued).toBe(
      true,
    );
    expect((await control('GET', '/accounts/nobody%40nowhere.test/recovery')).status).toBe(404);
  });

  test('stats count requests per route name', async () => {
    await login(api, 'user');
    const { refreshToken } = await login(api, 'admin');
    await call(api.baseUrl, 'POST', paths.refresh, { json: { refreshToken } });
    await call(api.baseUrl, 'GET', DEFAULT_PROTECTED_PATH);
    expect((await control('GET', '/stats')).body).toEqual({
      login: 2,
      refresh: 1,
      recoverPassword: 0,
      changePasswordWithRecoveryCode: 0,
      unblockRecoveryCode: 0,
      myself: 1,
    });
  });

  test('defects are switched at run time and unknown names are refused with the list', async () => {
    const set = await control('PUT', '/defects', { defects: ['refresh-token-reusable'] });
    expect(set.body).toEqual({ defects: ['refresh-token-reusable'] });
    expect((await control('GET', '/defects')).body.defects).toEqual(['refresh-token-reusable']);
    const { refreshToken } = await login(api, 'user');
    await call(api.baseUrl, 'POST', paths.refresh, { json: { refreshToken } });
    expect((await call(api.baseUrl, 'POST', paths.refresh, { json: { refreshToken } })).status).toBe(200);
    const unknown = await control('PUT', '/defects', { defects: ['no-such-defect'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toContain('refresh-token-reusable');
    expect((await control('GET', '/defects')).body.defects).toEqual(['refresh-token-reusable']);
    await control('PUT', '/defects', { defects: [] });
    expect(api.activeDefects()).toEqual([]);
  });
});
