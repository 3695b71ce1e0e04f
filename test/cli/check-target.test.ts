// check-target tells a QA engineer, before any request is sent, whether a target file is valid
// and which checks it will leave skipped — and never prints a password.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { serveOptions, writeTarget } from '../../src/cli/serve.ts';
import { parseDiscoverySnippet } from '../../src/discover/index.ts';
import { virtualTiming } from '../../src/k6/timing.ts';
import { ManualClock, type RunningReferenceApi, startReferenceApi } from '../../src/reference-api/index.ts';
import { testKeys } from '../reference-api/support.ts';
import { runCli } from './run-cli.ts';

const PASSWORD = 'planted-Passw0rd-for-check-target';

describe('facilioo-auth check-target', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'facilioo-check-target-'));
    vi.stubEnv('FACILIOO_TARGET', '');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  test('a valid target without a mailbox: exit 0, the recovery checks listed as skipped, no password shown', async () => {
    const file = join(dir, 'no-mailbox.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'qa',
        baseUrl: 'http://127.0.0.1:9',
        accounts: {
          user: { email: 'user@qa.test', password: PASSWORD },
          recovery: { email: 'recovery@qa.test', password: PASSWORD },
        },
      }),
    );
    const { code, out } = await runCli(['check-target', file]);
    expect(code, out).toBe(0);
    expect(out).toContain('target "qa"');
    expect(out).toContain('user (user@qa.test)');
    expect(out).toMatch(/– lockout\.five-wrong-codes-block: .*has no mailbox/);
    expect(out).toMatch(/– unblock\.admin-unblocks: .*has no accounts\.admin/);
    expect(out).not.toContain(PASSWORD);
  });

  test('an invalid target exits 2 naming the field', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ name: 'qa', baseUrl: 'not a url' }));
    const { code, out } = await runCli(['check-target', file]);
    expect(code).toBe(2);
    expect(out).toContain('baseUrl');
  });

  test('no file and no FACILIOO_TARGET exits 2 saying what to pass', async () => {
    const { code, out } = await runCli(['check-target']);
    expect(code).toBe(2);
    expect(out).toContain('name a target file');
  });
});

// Discovery finds, from a live target, the readings it can find without harm, and gets back the
// reading each reference API was started in; it never touches the recovery account.
describe('facilioo-auth check-target --discover', () => {
  let dir: string;
  const servers: RunningReferenceApi[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'facilioo-discover-'));
  });
  afterAll(async () => {
    await Promise.all(servers.map((api) => api.close()));
    await rm(dir, { recursive: true, force: true });
  });

  async function served(
    name: string,
    flags: string[],
    clock?: ManualClock,
  ): Promise<{ api: RunningReferenceApi; file: string }> {
    const api = await startReferenceApi({
      // The checked-in test key: generating an RSA pair is the slowest part of starting a server.
      keys: (await testKeys()).slice(0, 1),
      ...serveOptions(flags),
      control: true,
      ...(clock ? { clock } : {}),
    });
    servers.push(api);
    return { api, file: await writeTarget(api, join(dir, `${name}.json`)) };
  }

  test.each([
    ['either form', [], { refreshTokenShape: 'string', refreshTokenIn: 'body', wrongPasswordStatus: 401 }],
    ['refresh as Bearer', ['--refresh-token-in', 'bearer'], { refreshTokenIn: 'bearer' }],
    ['refresh in the body only', ['--refresh-token-in', 'body'], { refreshTokenIn: 'body' }],
    ['refresh token as an object', ['--refresh-token-shape', 'object'], { refreshTokenShape: 'object' }],
    [
      'refresh token as an object under "value"',
      ['--refresh-token-shape', 'object', '--refresh-token-key', 'value'],
      { refreshTokenShape: 'object', refreshTokenKey: 'value' },
    ],
    ['wrong password 400', ['--wrong-password-status', '400'], { wrongPasswordStatus: 400 }],
    [
      'all three at once',
      ['--refresh-token-in', 'bearer', '--refresh-token-shape', 'object', '--wrong-password-status', '400'],
      { refreshTokenIn: 'bearer', refreshTokenShape: 'object', wrongPasswordStatus: 400 },
    ],
  ] as const)('%s: the printed lines give the reading back', async (name, flags, expected) => {
    const { api, file } = await served(name.replace(/\W+/g, '-'), [...flags]);
    const { code, out } = await runCli(['check-target', '--discover', '--no-limit-probe', '--target', file]);
    expect(code, out).toBe(0);
    expect(parseDiscoverySnippet(out).options).toMatchObject(expected);
    expect(out).toMatch(/recoveryCodeType — only a change-password attempt shows it/);
    expect(out).toMatch(/rateLimit — the probe was not run \(--no-limit-probe\)/);
    // One good login, one wrong one, at most two refreshes; the recovery account untouched.
    const stats = (await (await fetch(`${api.controlUrl}/stats`)).json()) as Record<string, number>;
    expect(stats).toMatchObject({ login: 2, recoverPassword: 0, changePasswordWithRecoveryCode: 0 });
    expect(stats.refresh).toBeLessThanOrEqual(2);
    const recovery = api.accounts.recovery.email;
    const state = await (await fetch(`${api.controlUrl}/accounts/${recovery}/recovery`)).json();
    expect(state).toMatchObject({ failedAttempts: 0, blocked: false, codeIssued: false });
    for (const account of Object.values(api.accounts)) expect(out).not.toContain(account.password);
  });

  test.each([
    [
      '429 with Retry-After',
      ['--limit', '3', '--limit-window-seconds', '2'],
      /3 requests per .* then 429 with Retry-After/,
      429,
    ],
    [
      "ASP.NET's default: 503 without Retry-After",
      ['--limit', '3', '--limit-window-seconds', '2', '--limit-reject-status', '503', '--no-retry-after'],
      /3 requests per .* then 503 with no Retry-After/,
      503,
    ],
  ] as const)('the limiter, %s: the bounded probe reads it', async (name, flags, expected, rejectStatus) => {
    // The probe's clock and waits are the server's manual clock, as in probe.test.ts: the window
    // is read from what the limiter admits, not from how fast a busy machine sends the burst.
    const clock = new ManualClock();
    const { file } = await served(name.replace(/\W+/g, '-'), [...flags], clock);
    const { code, out } = await runCli(['check-target', '--discover', file, '--limit-probe-seconds', '20'], {
      context: { probeTiming: virtualTiming(clock) },
    });
    expect(code, out).toBe(0);
    expect(out, out).toMatch(new RegExp(`the limiter — the probe saw ${expected.source}`));
    expect(parseDiscoverySnippet(out).options.rateLimit).toEqual({ rejectStatus });
  });

  test('a login the target refuses leaves the token readings not inferred, saying why', async () => {
    const { api } = await served('refused', []);
    const document = api.targetDocument([]);
    const file = join(dir, 'refused-login.json');
    const accounts = { user: { email: document.accounts.user!.email, password: 'not-the-seeded-password' } };
    await writeFile(file, JSON.stringify({ ...document, accounts }));
    const { code, out } = await runCli(['check-target', '--discover', '--no-limit-probe', file]);
    expect(code, out).toBe(0);
    expect(out).toMatch(/refreshTokenIn — login as user answered 401; check the account's password/);
    expect(parseDiscoverySnippet(out).options).toEqual({ wrongPasswordStatus: 401 });
  });

  test('a target named twice, differently, exits 2', async () => {
    const { code, out } = await runCli(['check-target', 'a.json', '--target', 'b.json']);
    expect(code).toBe(2);
    expect(out).toContain('two target files named');
  });
});
