// Password recovery as documented: a mailed 6-digit code sets a new password; five wrong codes
// block recovery for 24 hours, during which even the right code fails and a new code does not
// help; recover-password never reveals whether an address has an account.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { call, latestCode, paths, startTestApi, type TestApi } from './support.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ control: true, limits: { routes: [] } });
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const HOUR = 3600_000;
const email = () => api.accounts.recovery.email;
const recover = (address = email()) =>
  call(api.baseUrl, 'POST', paths.recoverPassword, { json: { email: address } });
const change = (recoveryCode: unknown, password = 'a-new-password-1', address = email()) =>
  call(api.baseUrl, 'PUT', paths.changePasswordWithRecoveryCode, {
    json: { email: address, password, recoveryCode },
  });
const state = async () =>
  (await call(api.controlUrl!, 'GET', `/accounts/${encodeURIComponent(email())}/recovery`)).body;
const wrongCodeFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function requestCode(): Promise<string> {
  expect((await recover()).status).toBe(200);
  return latestCode(api, email());
}

async function block(code: string): Promise<void> {
  for (let i = 0; i < 5; i++) await change(wrongCodeFor(code));
}

describe('recover-password', () => {
  test('answers the same status and body for a known and an unknown address', async () => {
    const known = await recover();
    const unknown = await recover('nobody@nowhere.facilioo.test');
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    expect(unknown.headers['content-type']).toBe(known.headers['content-type']);
  });

  test('mails a 6-digit code to the known address only', async () => {
    await recover('nobody@nowhere.facilioo.test');
    const code = await requestCode();
    expect(code).toMatch(/^\d{6}$/);
    const all = await call(api.mailboxUrl, 'GET', '/api/v1/messages');
    expect(all.body.messages_count).toBe(1);
    expect(all.body.messages[0].To).toEqual([expect.objectContaining({ Address: email() })]);
  });

  test('the mail carries the code in Text and HTML', async () => {
    const code = await requestCode();
    const message = await call(api.mailboxUrl, 'GET', '/api/v1/message/latest');
    expect(message.body.Text).toContain(code);
    expect(message.body.HTML).toContain(code);
  });

  test('answers 400 naming the field when email is missing or not a string', async () => {
    const missing = await call(api.baseUrl, 'POST', paths.recoverPassword, { json: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.email).toEqual(['email is required']);
    const number = await call(api.baseUrl, 'POST', paths.recoverPassword, { json: { email: 7 } });
    expect(number.body.errors.email).toEqual(['email must be a string']);
  });
});

describe('change-password-with-recovery-code', () => {
  test('the right code sets the new password and is consumed', async () => {
    const code = await requestCode();
    expect((await change(code)).status).toBe(200);
    const login = await call(api.baseUrl, 'POST', paths.login, {
      json: { email: email(), password: 'a-new-password-1' },
    });
    expect(login.status).toBe(200);
    const again = await change(code, 'another-password-2');
    expect(again.status).toBe(400);
  });

  test('accepts the code as a number too (the hub types it int32)', async () => {
    const code = await requestCode();
    expect((await change(Number(code))).status).toBe(200);
  });

  test('a new code replaces the old one', async () => {
    const old = await requestCode();
    let fresh = await requestCode();
    // One in a million the same code comes twice; then there is nothing to tell apart.
    while (fresh === old) fresh = await requestCode();
    expect((await change(old)).status).toBe(400);
    expect((await change(fresh)).status).toBe(200);
  });

  test('a code expires after an hour', async () => {
    const code = await requestCode();
    api.clock.advance(HOUR);
    const reply = await change(code);
    expect(reply.status).toBe(400);
    expect(reply.body.detail).toContain('expired');
  });

  test('a wrong code answers 400 and counts one failed attempt', async () => {
    const code = await requestCode();
    const reply = await change(wrongCodeFor(code));
    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reply.text).not.toContain(code);
    expect(await state()).toMatchObject({ failedAttempts: 1, blocked: false, codeIssued: true });
  });

  test.each([
    [{ email: 'a@b.test', password: 'long-enough-1' }, 'recoveryCode', 'recoveryCode is required'],
    [
      { email: 'a@b.test', password: 'long-enough-1', recoveryCode: true },
      'recoveryCode',
      'a string or a number',
    ],
    [{ email: 'a@b.test', password: 'long-enough-1', recoveryCode: '12a456' }, 'recoveryCode', '6 digits'],
    [{ email: 'a@b.test', password: 'short', recoveryCode: '123456' }, 'password', 'at least 8 characters'],
    [{ password: 'long-enough-1', recoveryCode: '123456' }, 'email', 'email is required'],
  ])('a malformed body %j answers 400 naming %s', async (json, field, message) => {
    const reply = await call(api.baseUrl, 'PUT', paths.changePasswordWithRecoveryCode, { json });
    expect(reply.status).toBe(400);
    expect(reply.body.errors[field].join(' ')).toContain(message);
  });

  test('a malformed code is not counted as a guess', async () => {
    await requestCode();
    await change('abcdef');
    expect((await state()).failedAttempts).toBe(0);
  });

  test('an unknown address answers like a wrong code', async () => {
    const reply = await change('123456', 'a-new-password-1', 'nobody@nowhere.facilioo.test');
    expect(reply.status).toBe(400);
    expect(reply.body.title).toBe('Bad Request');
  });
});

describe('the recovery lockout', () => {
  test('blocks at exactly the fifth wrong code', async () => {
    const code = await requestCode();
    for (let i = 1; i <= 4; i++) {
      expect((await change(wrongCodeFor(code))).status).toBe(400);
      expect(await state()).toMatchObject({ failedAttempts: i, blocked: false });
    }
    const fifth = await change(wrongCodeFor(code));
    expect(fifth.status).toBe(423);
    const blocked = await state();
    expect(blocked).toMatchObject({ failedAttempts: 5, blocked: true });
    expect(Date.parse(blocked.blockedUntil)).toBe(api.clock.now() + 24 * HOUR);
  });

  test('the sixth recovery attempt is blocked even with the right code', async () => {
    const code = await requestCode();
    await block(code);
    const reply = await change(code);
    expect(reply.status).toBe(423);
    expect(reply.body.detail).toContain('blocked');
  });

  test('requesting a new code does not lift the block', async () => {
    await block(await requestCode());
    const fresh = await requestCode();
    expect((await change(fresh)).status).toBe(423);
    expect(await state()).toMatchObject({ blocked: true, failedAttempts: 5 });
  });

  test('the block lasts 24 hours: still blocked at 24 h - 1 s, lifted at 24 h', async () => {
    await block(await requestCode());
    api.clock.advance(24 * HOUR - 1000);
    expect((await change(await requestCode())).status).toBe(423);
    api.clock.advance(1000);
    expect(await state()).toMatchObject({ blocked: false, failedAttempts: 0, blockedUntil: null });
    expect((await change(await requestCode())).status).toBe(200);
  });

  test('20 concurrent wrong guesses are all counted, so the right code is then refused', async () => {
    const code = await requestCode();
    const replies = await Promise.all(Array.from({ length: 20 }, () => change(wrongCodeFor(code))));
    const statuses = replies.map((reply) => reply.status);
    expect(statuses.filter((status) => status === 400)).toHaveLength(4);
    expect(statuses.filter((status) => status === 423)).toHaveLength(16);
    expect((await change(code)).status).toBe(423);
  });

  test('a successful change resets the failed attempts', async () => {
    const code = await requestCode();
    for (let i = 0; i < 4; i++) await change(wrongCodeFor(code));
    expect((await change(code)).status).toBe(200);
    expect((await state()).failedAttempts).toBe(0);
  });

  test('the lockout is per account', async () => {
    await block(await requestCode());
    const other = api.accounts.user.email;
    await recover(other);
    expect((await change(await latestCode(api, other), 'a-new-password-1', other)).status).toBe(200);
  });
});
