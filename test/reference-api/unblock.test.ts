// Only an Admin, or the Property Management Company the account belongs to, may unblock a
// recovery code; every other party type is refused with 403 and an anonymous call with 401.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { AccountSlot } from '../../src/roles.ts';
import { call, latestCode, login, paths, startTestApi, type TestApi } from './support.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ control: true, limits: { routes: [] } });
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const recoveryEmail = () => api.accounts.recovery.email;
const unblock = (token?: string, json: unknown = { email: recoveryEmail() }) =>
  call(api.baseUrl, 'POST', paths.unblockRecoveryCode, { json, ...(token ? { token } : {}) });
const recoveryState = async () =>
  (await call(api.controlUrl!, 'GET', `/accounts/${encodeURIComponent(recoveryEmail())}/recovery`)).body;

async function blockRecovery(): Promise<string> {
  await call(api.baseUrl, 'POST', paths.recoverPassword, { json: { email: recoveryEmail() } });
  const code = await latestCode(api, recoveryEmail());
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  for (let i = 0; i < 5; i++) {
    await call(api.baseUrl, 'PUT', paths.changePasswordWithRecoveryCode, {
      json: { email: recoveryEmail(), password: 'a-new-password-1', recoveryCode: wrong },
    });
  }
  expect((await recoveryState()).blocked).toBe(true);
  return code;
}

describe('unblock-recovery-code', () => {
  test.each<AccountSlot>(['admin', 'propertyManagementCompany'])(
    '%s unblocks, and the right code then works again',
    async (slot) => {
      const code = await blockRecovery();
      const reply = await unblock((await login(api, slot)).accessToken);
      expect(reply.status).toBe(200);
      expect(await recoveryState()).toMatchObject({ blocked: false, failedAttempts: 0 });
      const change = await call(api.baseUrl, 'PUT', paths.changePasswordWithRecoveryCode, {
        json: { email: recoveryEmail(), password: 'a-new-password-1', recoveryCode: code },
      });
      expect(change.status).toBe(200);
    },
  );

  test.each<AccountSlot>(['contractor', 'user', 'recovery'])('%s is refused with 403', async (slot) => {
    await blockRecovery();
    const reply = await unblock((await login(api, slot)).accessToken);
    expect(reply.status).toBe(403);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reply.body.detail).toContain('may not unblock');
    expect((await recoveryState()).blocked).toBe(true);
  });

  test('a property management company of another company is refused with 403', async () => {
    await blockRecovery();
    const reply = await unblock((await login(api, 'otherCompanyPropertyManagementCompany')).accessToken);
    expect(reply.status).toBe(403);
    expect(reply.body.detail).toContain('own company');
    expect((await recoveryState()).blocked).toBe(true);
  });

  test('an admin may unblock an account of any company', async () => {
    const admin = (await login(api, 'admin')).accessToken;
    const other = api.accounts.otherCompanyPropertyManagementCompany.email;
    expect((await unblock(admin, { email: other })).status).toBe(200);
  });

  test('without a token answers 401 with a Bearer challenge', async () => {
    await blockRecovery();
    const reply = await unblock();
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Bearer');
    expect((await recoveryState()).blocked).toBe(true);
  });

  test('with an expired token answers 401 invalid_token', async () => {
    const { accessToken } = await login(api, 'admin');
    api.clock.advance(3600_000);
    const reply = await unblock(accessToken);
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
  });

  test('an unknown address answers 404', async () => {
    const reply = await unblock((await login(api, 'admin')).accessToken, {
      email: 'nobody@nowhere.facilioo.test',
    });
    expect(reply.status).toBe(404);
  });

  test('a missing email answers 400 naming it', async () => {
    const reply = await unblock((await login(api, 'admin')).accessToken, {});
    expect(reply.status).toBe(400);
    expect(reply.body.errors.email).toEqual(['email is required']);
  });

  test('unblocking an account that is not blocked succeeds and leaves it unblocked', async () => {
    const reply = await unblock((await login(api, 'propertyManagementCompany')).accessToken);
    expect(reply.status).toBe(200);
    expect(await recoveryState()).toMatchObject({ blocked: false, failedAttempts: 0 });
  });
});
