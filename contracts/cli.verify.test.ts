// What a QA engineer does: start the reference API as its own process (`facilioo-auth serve`),
// describe it in a target file written by hand, and run `facilioo-auth verify --target FILE`.
// The exit code is the verdict: 0 when the pacts hold, 1 when a shape defect breaks one.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, test } from 'vitest';
import { DEFAULT_SEED, seedAccounts } from '../src/reference-api/accounts.ts';
import { ensurePacts } from '../src/verify/write-pacts.ts';
import { scratchDir } from './verify-support.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(ROOT, 'bin', 'facilioo-auth.js');

let dir: string;
/** A clean server, and one serving a shape defect the preflight lets through; each in its own target file. */
let clean: Served;
let defective: Served;
const servers: ChildProcess[] = [];
/** The passwords a QA engineer exports; the target file only names the variables. */
const env: Record<string, string> = {};

interface Served {
  baseUrl: string;
  targetFile: string;
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function serve(name: string, flags: string[]): Promise<Served> {
  const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--control', ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.push(server);
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /base URL\s+(http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    server.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening: ${out}`)));
  });

  // The default seed's accounts, as examples/targets/local-reference.json lists them.
  const { slots } = seedAccounts(DEFAULT_SEED, 0);
  const accounts: Record<string, { email: string; password: { env: string } }> = {};
  for (const [slot, account] of Object.entries(slots)) {
    const variable = `REF_${slot.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_PASSWORD`;
    accounts[slot] = { email: account.email, password: { env: variable } };
    env[variable] = account.password;
  }
  const targetFile = join(dir, `${name}.json`);
  await writeFile(
    targetFile,
    JSON.stringify(
      {
        name,
        baseUrl,
        accounts,
        mailbox: { kind: 'mailpit', url: `${baseUrl}/mailbox` },
        control: `${baseUrl}/_control`,
      },
      null,
      2,
    ),
  );
  return { baseUrl, targetFile };
}

beforeAll(async () => {
  dir = await scratchDir();
  // Independent: the pacts are written (if missing) while both servers start.
  [, clean, defective] = await Promise.all([
    ensurePacts(),
    serve('local-reference', []),
    serve('local-reference-defective', ['--defect', 'sub-as-string']),
  ]);
});

afterAll(() => {
  for (const server of servers) server.kill('SIGTERM');
});

// Each test has a server of its own, or none: they run side by side.
test.concurrent('verify --target FILE exits 0 against a separately started reference API', async ({
  expect,
}) => {
  const result = await cli(['verify', '--target', clean.targetFile, '--report-dir', join(dir, 'reports')]);
  expect(result.stderr).toContain('target "local-reference"');
  // stderr is a pipe, not a terminal: a plain line per interaction as it was answered, no status line.
  expect(result.stderr).toMatch(/^ {2}verification: 1\/\d+ \S+ · ".+" → \d{3} in \d+ ms$/m);
  expect(result.stderr).not.toContain('\r');
  expect(result.stdout).toMatch(/^✓ refresh\.a-refresh-with-the-spent-token$/m);
  expect(result.stdout).toMatch(/verify: \d+ passed, 0 failed, 0 skipped — exit 0/);
  expect(result.code).toBe(0);
});

test.concurrent('verify with a --pacts folder holding no pacts is a configuration error (exit 2) that says what to run', async ({
  expect,
}) => {
  const result = await cli(['verify', '--target', clean.targetFile, '--pacts', join(dir, 'no-pacts-here')]);
  expect(result.stderr).toContain('no pact files');
  expect(result.stderr).toContain('npx vitest run --project contracts');
  expect(result.code).toBe(2);
});

// A defect the preflight lets through (it asks only for an access token): the field is named.
test.concurrent('verify --target FILE exits 1 and names the field when the access token carries sub as a string', async ({
  expect,
}) => {
  const result = await cli([
    'verify',
    '--target',
    defective.targetFile,
    '--report-dir',
    join(dir, 'reports-defective'),
  ]);
  expect(result.stdout).toMatch(
    /✗ login\.a-login-with-the-right-password-that-skips-multi-factor-authentication\n {4}POST \/api\/auth\/login: body \$\.accessToken: expected a JWT whose payload carries "sub" as a JSON object/,
  );
  expect(result.code).toBe(1);
});
