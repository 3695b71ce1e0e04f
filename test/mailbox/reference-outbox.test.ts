// One adapter reads recovery codes from a real Mailpit and from the reference API's outbox alike.
import { request } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Mailbox } from '../../src/mailbox/index.ts';
import { type RunningReferenceApi, startReferenceApi } from '../../src/reference-api/index.ts';
import { DEFAULT_PATHS } from '../../src/target/types.ts';
import { testKeys } from '../reference-api/support.ts';

let api: RunningReferenceApi;
let mailbox: Mailbox;
beforeAll(async () => {
  api = await startReferenceApi({ control: true, host: '127.0.0.1', port: 0, keys: await testKeys() });
  mailbox = new Mailbox({ url: api.mailboxUrl, minPollMs: 5, maxPollMs: 50 });
});
afterAll(() => api.close());

async function call(method: 'POST' | 'PUT', path: string, body: unknown) {
  const response = await request(`${api.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.body.dump();
  return response.statusCode;
}

test('the code from recover-password is read from the outbox and changes the password', async () => {
  const { email } = api.accounts.recovery;
  const after = new Date();
  expect(await call('POST', DEFAULT_PATHS.recoverPassword, { email })).toBe(200);
  const code = await mailbox.waitForCode(email, { after });
  expect(code).toMatch(/^\d{6}$/);
  // The code is the one the server issued, not just any six digits in the mail.
  expect(
    await call('PUT', DEFAULT_PATHS.changePasswordWithRecoveryCode, {
      email,
      password: 'Another-Passw0rd!',
      recoveryCode: code,
    }),
  ).toBe(200);
});

test('a second request yields the newer code, though the first is still in the outbox', async () => {
  const { email } = api.accounts.user;
  const start = new Date();
  expect(await call('POST', DEFAULT_PATHS.recoverPassword, { email })).toBe(200);
  const first = await mailbox.waitForCode(email, { after: start });
  const after = new Date();
  expect(await call('POST', DEFAULT_PATHS.recoverPassword, { email })).toBe(200);
  const second = await mailbox.waitForCode(email, { after });
  const latest = await mailbox.latest(email, { after });
  expect(latest?.text).toContain(second);
  expect(latest?.to).toEqual([email]);
  // Only the newest issued code is valid, so the server tells whether the adapter picked it
  // (comparing with `first` could not: two codes may repeat by chance).
  expect(first).toMatch(/^\d{6}$/);
  expect(
    await call('PUT', DEFAULT_PATHS.changePasswordWithRecoveryCode, {
      email,
      password: 'Yet-An0ther-pw!',
      recoveryCode: second,
    }),
  ).toBe(200);
});

test('clear empties the outbox for that address only', async () => {
  const { email } = api.accounts.contractor;
  const other = api.accounts.admin.email;
  await call('POST', DEFAULT_PATHS.recoverPassword, { email });
  await call('POST', DEFAULT_PATHS.recoverPassword, { email: other });
  await mailbox.clear(email);
  expect(await mailbox.latest(email, { after: 0 })).toBeUndefined();
  expect(await mailbox.latest(other, { after: 0 })).toBeDefined();
});
