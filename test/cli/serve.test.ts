// `facilioo-auth serve` is what a QA engineer runs: it prints where it listens, writes a target
// file whose credentials and key work against it, stops cleanly on SIGTERM, and refuses bad
// flags with exit 2 naming the flag.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compactVerify, importSPKI } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { serveOptions, writeTarget } from '../../src/cli/serve.ts';
import { startReferenceApi } from '../../src/reference-api/index.ts';
import { toSpkiPem } from '../../src/reference-api/keys.ts';
import { loadTarget } from '../../src/target/index.ts';

const BIN = resolve(import.meta.dirname, '../../bin/facilioo-auth.js');

describe('serve, spawned', () => {
  let directory: string;
  let child: ChildProcess;
  let output = '';
  let baseUrl: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'facilioo-serve-'));
    child = spawn(
      process.execPath,
      [
        BIN,
        'serve',
        '--port',
        '0',
        '--control',
        '--write-target',
        join(directory, 'x.json'),
        '--load-accounts',
        '3',
        '--write-load-accounts',
        join(directory, 'pool.json'),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    baseUrl = await new Promise<string>((done, fail) => {
      const poll = setInterval(() => {
        const match = /base URL\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match && output.includes('Stop with')) {
          clearInterval(poll);
          done(match[1]!);
        }
      }, 50);
      child.once('exit', (code) => {
        clearInterval(poll);
        fail(new Error(`serve exited with ${code} before listening:\n${output}`));
      });
    });
  }, 60_000);

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
  });

  test('prints its base, mailbox and control URLs', () => {
    expect(output).toContain(`mailbox URL  ${baseUrl}/mailbox`);
    expect(output).toContain(`control URL  ${baseUrl}/_control`);
  });

  test("the written target's credentials log in, and its key file verifies the token", async () => {
    const target = JSON.parse(await readFile(join(directory, 'x.json'), 'utf8'));
    expect(target.baseUrl).toBe(baseUrl);
    expect(target.control).toBe(`${baseUrl}/_control`);
    expect(target.mailbox).toEqual({
      kind: 'mailpit',
      url: `${baseUrl}/mailbox`,
      codePattern: '\\b(\\d{6})\\b',
    });
    const { email, password } = target.accounts.propertyManagementCompany;
    const reply = await request(`${target.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(reply.statusCode).toBe(200);
    const { accessToken } = (await reply.body.json()) as { accessToken: string };
    expect(target.jwt.publicKeys).toEqual(['x.key-1.pem']);
    const pem = await readFile(join(directory, target.jwt.publicKeys[0]), 'utf8');
    expect(pem).toMatch(/^-----BEGIN RSA PUBLIC KEY-----/);
    await expect(
      compactVerify(accessToken, await importSPKI(toSpkiPem(pem), 'RS256')),
    ).resolves.toBeDefined();
  });

  test('the target file is readable by its owner only (it holds the test passwords)', async () => {
    expect((await stat(join(directory, 'x.json'))).mode & 0o077).toBe(0);
  });

  test('the written load account pool logs in, and is readable by its owner only', async () => {
    const pool = JSON.parse(await readFile(join(directory, 'pool.json'), 'utf8')) as {
      email: string;
      password: string;
    }[];
    expect(pool).toHaveLength(3);
    for (const { email, password } of pool) {
      const reply = await request(`${baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      await reply.body.dump();
      expect(reply.statusCode, email).toBe(200);
    }
    expect((await stat(join(directory, 'pool.json'))).mode & 0o077).toBe(0);
  });

  test('SIGTERM closes it gracefully with exit code 0', async () => {
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('reference API stopped');
  });
});

describe('serve, in a non-default reading', () => {
  // The readings matrix starts servers through serveOptions(), so the flags a user types are
  // the ones under test; the written target must announce each reading and list every key.
  test('the written target announces the readings, and every listed key file is published in its form', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'facilioo-serve-readings-'));
    const api = await startReferenceApi(
      serveOptions([
        '--refresh-token-in',
        'bearer',
        '--refresh-token-shape',
        'object',
        '--recovery-code-type',
        'number',
        '--keys',
        '3',
        '--signing-key',
        '2',
        '--key-format',
        'mixed',
        '--leeway-seconds',
        '300',
      ]),
    );
    try {
      const file = await writeTarget(api, join(directory, 'r.json'));
      const target = JSON.parse(await readFile(file, 'utf8'));
      expect(target.options).toMatchObject({
        refreshTokenIn: 'bearer',
        refreshTokenShape: 'object',
        recoveryCodeType: 'number',
        tokenLeewaySeconds: 300,
      });
      expect(target.jwt.publicKeys).toEqual(['r.key-1.pem', 'r.key-2.pem', 'r.key-3.pem']);
      const heads = await Promise.all(
        target.jwt.publicKeys.map(
          async (name: string) => (await readFile(join(directory, name), 'utf8')).split('\n')[0],
        ),
      );
      expect(heads).toEqual([
        '-----BEGIN RSA PUBLIC KEY-----',
        '-----BEGIN PUBLIC KEY-----',
        '-----BEGIN RSA PUBLIC KEY-----',
      ]);
      const loaded = loadTarget(file, {});
      expect(loaded.options.refreshTokenIn).toBe('bearer');
    } finally {
      await api.close();
      await rm(directory, { recursive: true, force: true });
    }
  });

  test('an unknown serve argument is a configuration error naming it', () => {
    expect(() => serveOptions(['--refresh-token-in', 'bearer', 'extra'])).toThrow(/"extra"/);
  });
});

describe('serve, with bad flags', () => {
  async function run(...args: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    try {
      return { code: await main(['node', 'facilioo-auth', 'serve', ...args]), stderr };
    } finally {
      spy.mockRestore();
    }
  }

  test.each([
    [['--defect', 'no-such-defect'], '--defect', 'refresh-token-reusable'],
    [['--port', '70000'], '--port', 'from 0 to 65535'],
    [
      ['--limit-algorithm', 'leaky-bucket'],
      '--limit-algorithm',
      'fixed-window, sliding-window, token-bucket',
    ],
    [['--limit-partition', 'user'], '--limit-partition', 'ip, global'],
    [['--limit-reject-status', '500'], '--limit-reject-status', '429, 503'],
    [['--limit-routes', 'login,logout'], '--limit-routes', 'recoverPassword'],
    [['--limit', '0'], '--limit', 'from 1'],
    [['--limit-window-seconds', 'soon'], '--limit-window-seconds', 'positive'],
    [['--issuer', 'https://dev-api.facilioo.de/'], '--issuer', 'bare host name'],
    [['--refresh-token-in', 'cookie'], '--refresh-token-in', 'body, bearer'],
    [['--refresh-token-shape', 'array'], '--refresh-token-shape', 'string, object'],
    [['--recovery-code-type', 'int32'], '--recovery-code-type', 'string, number'],
    [['--wrong-password-status', '403'], '--wrong-password-status', '401, 400'],
    [['--blocked-status', '500'], '--blocked-status', 'from 400 to 499'],
    [['--keys', '3', '--signing-key', '4'], '--signing-key', 'from 1 to 3'],
    [['--key-format', 'jwk'], '--key-format', 'pkcs1, spki, mixed'],
    [['--leeway-seconds', '301'], '--leeway-seconds', 'from 0 to 300'],
  ])('%j exits 2 naming %s and the valid values', async (args, flag, valid) => {
    const { code, stderr } = await run(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(flag);
    expect(stderr).toContain(valid);
  });
});
