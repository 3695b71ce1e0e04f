// The outbox speaks the Mailpit API subset of the spec, in Mailpit's shapes, so the same adapter
// (and the mailpit-api client) reads it like a real Mailpit.
import { MailpitClient } from 'mailpit-api';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { call, paths, startTestApi, type TestApi } from './support.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ limits: { routes: [] } });
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const mail = (email: string) => call(api.baseUrl, 'POST', paths.recoverPassword, { json: { email } });
const search = (query: string, extra = '') =>
  call(api.mailboxUrl, 'GET', `/api/v1/search?query=${encodeURIComponent(query)}${extra}`);

describe('the mailbox', () => {
  test('search by to:"ADDRESS" and to:ADDRESS finds only that recipient, newest first', async () => {
    const { recovery, user } = api.accounts;
    await mail(recovery.email);
    api.clock.advance(1000);
    await mail(user.email);
    api.clock.advance(1000);
    await mail(recovery.email);
    for (const query of [
      `to:"${recovery.email}"`,
      `to:${recovery.email}`,
      `TO:${recovery.email.toUpperCase()}`,
    ]) {
      const reply = await search(query);
      expect(reply.status).toBe(200);
      expect(reply.body.messages_count).toBe(2);
      expect(reply.body.messages.map((m: { To: { Address: string }[] }) => m.To[0]?.Address)).toEqual([
        recovery.email,
        recovery.email,
      ]);
      const created = reply.body.messages.map((m: { Created: string }) => Date.parse(m.Created));
      expect(created[0]).toBeGreaterThan(created[1]);
    }
  });

  test('limit caps the page but not messages_count', async () => {
    for (let i = 0; i < 3; i++) await mail(api.accounts.user.email);
    const reply = await search(`to:"${api.accounts.user.email}"`, '&limit=1');
    expect(reply.body.messages).toHaveLength(1);
    expect(reply.body.messages_count).toBe(3);
  });

  test('a message carries Text, HTML, To and an ISO Date; latest is the newest', async () => {
    await mail(api.accounts.user.email);
    await mail(api.accounts.recovery.email);
    const [newest] = (await search(`to:${api.accounts.recovery.email}`)).body.messages;
    const message = await call(api.mailboxUrl, 'GET', `/api/v1/message/${newest.ID}`);
    expect(message.status).toBe(200);
    expect(message.body).toMatchObject({ ID: newest.ID, To: [{ Address: api.accounts.recovery.email }] });
    expect(message.body.Text).toMatch(/\b\d{6}\b/);
    expect(message.body.HTML).toMatch(/\b\d{6}\b/);
    expect(new Date(message.body.Date).toISOString()).toBe(message.body.Date);
    expect((await call(api.mailboxUrl, 'GET', '/api/v1/message/latest')).body.ID).toBe(newest.ID);
  });

  test('an unknown message ID answers 404 problem+json', async () => {
    const reply = await call(api.mailboxUrl, 'GET', '/api/v1/message/nope');
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  test('DELETE search removes the matching messages only', async () => {
    await mail(api.accounts.user.email);
    await mail(api.accounts.recovery.email);
    const reply = await call(
      api.mailboxUrl,
      'DELETE',
      `/api/v1/search?query=${encodeURIComponent(`to:"${api.accounts.user.email}"`)}`,
    );
    expect(reply.status).toBe(200);
    expect((await search(`to:${api.accounts.user.email}`)).body.messages_count).toBe(0);
    expect((await search(`to:${api.accounts.recovery.email}`)).body.messages_count).toBe(1);
  });

  test('DELETE messages removes the listed IDs, or everything without a list', async () => {
    await mail(api.accounts.user.email);
    await mail(api.accounts.recovery.email);
    const [first] = (await call(api.mailboxUrl, 'GET', '/api/v1/messages')).body.messages;
    await call(api.mailboxUrl, 'DELETE', '/api/v1/messages', { json: { IDs: [first.ID] } });
    expect((await call(api.mailboxUrl, 'GET', '/api/v1/messages')).body.messages_count).toBe(1);
    await call(api.mailboxUrl, 'DELETE', '/api/v1/messages');
    expect((await call(api.mailboxUrl, 'GET', '/api/v1/messages')).body.messages_count).toBe(0);
  });

  test('a search without a query, or with a bad limit, answers 400', async () => {
    expect((await call(api.mailboxUrl, 'GET', '/api/v1/search')).status).toBe(400);
    const badLimit = await search('to:x', '&limit=many');
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.errors.limit).toBeDefined();
  });

  test('the mailpit-api client reads codes from it', async () => {
    const client = new MailpitClient(api.mailboxUrl);
    await mail(api.accounts.recovery.email);
    const found = await client.searchMessages({ query: `to:"${api.accounts.recovery.email}"`, limit: 1 });
    expect(found.messages_count).toBe(1);
    const message = await client.getMessageSummary(found.messages[0]!.ID);
    expect(message.Text).toMatch(/\b\d{6}\b/);
    await client.deleteMessagesBySearch({ query: `to:"${api.accounts.recovery.email}"` });
    await client.deleteMessages();
    expect((await client.listMessages()).messages_count).toBe(0);
  });
});
