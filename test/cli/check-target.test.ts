// check-target tells a QA engineer, before any request is sent, whether a target file is valid
// and which checks it will leave skipped — and never prints a password.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
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
