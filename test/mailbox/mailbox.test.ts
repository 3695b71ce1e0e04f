// The code is read from the newest message to exactly this address that arrived after the request — never an older or foreign one.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { extractCode, Mailbox, MailboxError, MailboxTimeoutError } from '../../src/mailbox/index.ts';
import { redactText } from '../../src/redact/index.ts';
import { type MailpitStub, startMailpitStub } from './mailpit-stub.ts';

const ADDRESS = 'elmira.dare.recovery@users.pmc-2.facilioo.test';
let stub: MailpitStub;
let mailbox: Mailbox;

beforeEach(async () => {
  stub = await startMailpitStub('/mailbox');
  mailbox = new Mailbox({ url: `${stub.url}/`, minPollMs: 5, maxPollMs: 20 });
});
afterEach(async () => {
  await stub.close();
});

const secondsAgo = (s: number) => new Date(Date.now() - s * 1000);

describe('waitForCode', () => {
  test('a code that arrives while waiting is found', async () => {
    const after = new Date();
    // Delivered on the third poll: the adapter must keep polling, not read once and give up.
    stub.onSearch = (count) => {
      if (count === 3) stub.add({ To: [ADDRESS], Text: 'Your code: 482913' });
    };
    await expect(mailbox.waitForCode(ADDRESS, { after })).resolves.toBe('482913');
    expect(stub.searches).toBeGreaterThanOrEqual(3);
  });

  test('a message from before the request is ignored', async () => {
    stub.add({ To: [ADDRESS], Text: 'old code 111111', Created: secondsAgo(60) });
    const error = await mailbox
      .waitForCode(ADDRESS, { after: new Date(), timeoutMs: 150 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailboxTimeoutError);
    expect((error as Error).message).toContain('1 older message(s) ignored');
    expect((error as Error).message).not.toContain('111111');
  });

  test('a message stamped slightly before the request still counts, because mail server clocks drift', async () => {
    stub.add({ To: [ADDRESS], Text: 'code 222222', Created: secondsAgo(1) });
    await expect(mailbox.waitForCode(ADDRESS, { after: new Date(), timeoutMs: 2000 })).resolves.toBe(
      '222222',
    );
  });

  test('the skew tolerance is configurable and bounds how old a message may be', async () => {
    stub.add({ To: [ADDRESS], Text: 'code 222222', Created: secondsAgo(1) });
    const strict = new Mailbox({ url: stub.url, clockSkewToleranceMs: 0, minPollMs: 5, maxPollMs: 20 });
    await expect(strict.waitForCode(ADDRESS, { after: new Date(), timeoutMs: 100 })).rejects.toThrow(
      MailboxTimeoutError,
    );
  });

  test('the newest of several fresh messages wins', async () => {
    const after = secondsAgo(30);
    stub.add({ To: [ADDRESS], Text: 'code 333333', Created: secondsAgo(20) });
    stub.add({ To: [ADDRESS], Text: 'code 444444', Created: secondsAgo(5) });
    stub.add({ To: [ADDRESS], Text: 'code 555555', Created: secondsAgo(10) });
    await expect(mailbox.waitForCode(ADDRESS, { after })).resolves.toBe('444444');
  });

  test('mail to an address that merely contains ours is not ours', async () => {
    // Mailpit's to: search matches substrings, so the stub returns this message for ADDRESS too.
    stub.add({ To: [`x${ADDRESS}`], Text: 'code 666666' });
    const error = await mailbox
      .waitForCode(ADDRESS, { after: secondsAgo(5), timeoutMs: 100 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(MailboxTimeoutError);
    expect(stub.searches).toBeGreaterThan(0);
  });

  test('an address differing only in case is the same mailbox', async () => {
    stub.add({ To: [ADDRESS.toUpperCase()], Text: 'code 676767' });
    await expect(mailbox.waitForCode(ADDRESS, { after: secondsAgo(5) })).resolves.toBe('676767');
  });

  test('the code is taken from HTML when the text part has none', async () => {
    stub.add({ To: [ADDRESS], Text: 'Open the HTML version.', HTML: '<p>Your code is <b>777777</b></p>' });
    await expect(mailbox.waitForCode(ADDRESS, { after: secondsAgo(5) })).resolves.toBe('777777');
  });

  test('a short timeout still gets one complete look at a slow mailbox', async () => {
    stub.delayMs = 300;
    stub.add({ To: [ADDRESS], Text: 'code 313131' });
    await expect(mailbox.waitForCode(ADDRESS, { after: secondsAgo(5), timeoutMs: 50 })).resolves.toBe(
      '313131',
    );
  });

  test('the timeout names the mailbox, the address and how long it waited', async () => {
    const error = await mailbox.waitForCode(ADDRESS, { after: new Date(), timeoutMs: 120 }).catch((e) => e);
    expect(error).toBeInstanceOf(MailboxTimeoutError);
    expect(error.message).toContain(stub.url);
    expect(error.message).toContain(`no message to ${ADDRESS}`);
    expect(error.message).toMatch(/within \d+ ms/);
    expect(error.waitedMs).toBeGreaterThanOrEqual(120);
    expect(error.address).toBe(ADDRESS);
  });

  test('a timeout with mail that lacks a code says so and names the pattern', async () => {
    stub.add({ To: [ADDRESS], Text: 'Welcome aboard!', HTML: '<p>Welcome</p>' });
    const error = await mailbox
      .waitForCode(ADDRESS, { after: secondsAgo(5), timeoutMs: 120 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(MailboxTimeoutError);
    expect(error.message).toContain('1 message(s) to');
    expect(error.message).toContain(`/${mailbox.codePattern.source}/`);
  });

  test('a pattern without a group yields the whole match', async () => {
    const whole = new Mailbox({ url: stub.url, codePattern: '[A-Z]{3}-\\d{3}', minPollMs: 5 });
    stub.add({ To: [ADDRESS], Text: 'code: QRS-123.' });
    await expect(whole.waitForCode(ADDRESS, { after: secondsAgo(5) })).resolves.toBe('QRS-123');
  });

  test('a code read from the mailbox is masked in any later output', async () => {
    stub.add({ To: [ADDRESS], Text: 'code 918273' });
    const code = await mailbox.waitForCode(ADDRESS, { after: secondsAgo(5) });
    expect(redactText(`step failed with code ${code}`)).not.toContain(code);
  });

  test('server errors are retried until the mailbox answers', async () => {
    stub.failWith.push(503, 502);
    stub.add({ To: [ADDRESS], Text: 'code 121212' });
    await expect(mailbox.waitForCode(ADDRESS, { after: secondsAgo(5) })).resolves.toBe('121212');
    expect(stub.requests.length).toBeGreaterThanOrEqual(4);
  });

  test('a URL that is not a Mailpit API fails at once instead of waiting out the timeout', async () => {
    const wrong = new Mailbox({ url: stub.url.replace('/mailbox', '/not-mailpit') });
    const error = await wrong.waitForCode(ADDRESS, { after: new Date(), timeoutMs: 60_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(MailboxError);
    expect(error.status).toBe(404);
    expect(error.message).toContain('/not-mailpit/api/v1/search');
    expect(stub.requests).toHaveLength(1);
  });

  test('a timeout after transport failures reports the last failure', async () => {
    const { url } = stub;
    await stub.close();
    const error = await new Mailbox({ url, minPollMs: 5 })
      .waitForCode(ADDRESS, { after: new Date(), timeoutMs: 100 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(MailboxTimeoutError);
    expect(error.message).toContain('the last poll failed');
    stub = await startMailpitStub();
  });
});

describe('latest', () => {
  test('returns the newest fresh message with its text and HTML', async () => {
    stub.add({ To: [ADDRESS], Text: 'older', Created: secondsAgo(4) });
    const newest = stub.add({ To: [ADDRESS], Text: 'newer', HTML: '<p>newer</p>', Created: secondsAgo(2) });
    const message = await mailbox.latest(ADDRESS, { after: secondsAgo(10) });
    expect(message).toMatchObject({ id: newest.ID, text: 'newer', html: '<p>newer</p>', to: [ADDRESS] });
    expect(message?.created.toISOString()).toBe(newest.Created.toISOString());
  });

  test('is undefined when nothing arrived after the moment', async () => {
    stub.add({ To: [ADDRESS], Text: 'old', Created: secondsAgo(60) });
    await expect(mailbox.latest(ADDRESS, { after: Date.now() })).resolves.toBeUndefined();
  });
});

describe('clear', () => {
  test("deletes the address's messages and no one else's", async () => {
    stub.add({ To: [ADDRESS], Text: 'code 101010' });
    const other = stub.add({ To: ['someone@else.test'], Text: 'code 202020' });
    await mailbox.clear(ADDRESS);
    expect(stub.messages).toEqual([other]);
  });

  test('a mailbox without DELETE search is tolerated', async () => {
    stub.deleteSupported = false;
    stub.add({ To: [ADDRESS], Text: 'code 101010' });
    await expect(mailbox.clear(ADDRESS)).resolves.toBeUndefined();
    expect(stub.messages).toHaveLength(1);
  });

  test('any other failure is reported with the URL and status', async () => {
    stub.failWith.push(500);
    const error = await mailbox.clear(ADDRESS).catch((e) => e);
    expect(error).toBeInstanceOf(MailboxError);
    expect(error.status).toBe(500);
    expect(error.message).toContain(`${stub.url}/api/v1/search`);
  });
});

describe('extractCode', () => {
  const pattern = /\b(\d{6})\b/;

  test('text wins over HTML', () => {
    expect(extractCode({ text: 'code 123123', html: '<p>456456</p>' }, pattern)).toBe('123123');
  });

  test('visible HTML text wins over attribute values that look like codes', () => {
    const html = '<p style="color:#654321">Your code: <b>135791</b></p>';
    expect(extractCode({ text: '', html }, pattern)).toBe('135791');
  });

  test('a code only inside a link is still found', () => {
    const html = '<a href="https://app.example.test/reset?code=246802">Reset your password</a>';
    expect(extractCode({ text: '', html }, pattern)).toBe('246802');
  });

  test('styles and scripts are not visible text', () => {
    const html = '<style>.a{width:100000px;color:#999999}</style><p>code&nbsp;864200</p>';
    expect(extractCode({ text: '', html }, pattern)).toBe('864200');
  });

  test('no match gives undefined', () => {
    expect(extractCode({ text: 'hello', html: '<p>hi</p>' }, pattern)).toBeUndefined();
  });
});
