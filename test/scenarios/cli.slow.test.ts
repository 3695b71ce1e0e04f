// `facilioo-auth scenarios` exits 0/1/2 by the gate's rule, writes summary.json and JUnit, and never prints a secret.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type RunningReferenceApi, startReferenceApi } from '../../src/reference-api/index.ts';
import type { LayerReport } from '../../src/report/types.ts';
import { runCli } from '../cli/run-cli.ts';
import { sharedKeys } from './reference-target.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  reportDir: string;
}

let dir: string;
const servers: RunningReferenceApi[] = [];
let cleanFile: string;
let defectiveFile: string;

async function targetFile(name: string, api: RunningReferenceApi): Promise<string> {
  const keyFile = join(dir, `${name}.key-1.pem`);
  await writeFile(keyFile, api.publicKeyPems[0]!);
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(api.targetDocument([keyFile])));
  return file;
}

let runs = 0;
/** `bin/facilioo-auth.js` in a child process: the exit code the shell sees. */
function spawned(...args: string[]): Promise<CliRun> {
  const reportDir = join(dir, `reports-${++runs}`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/facilioo-auth.js', 'scenarios', '--report-dir', reportDir, ...args],
      // Without FACILIOO_TARGET from the caller's shell, so only --target decides.
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '' }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, reportDir });
      },
    );
  });
}

/**
 * `main()` here, without FACILIOO_TARGET from the caller's shell, as `spawned()` runs it. The
 * command starts vitest's node API, which runs in this process as well as in a fresh one, without
 * the seconds a process start costs. One at a time: runCli captures this process's stdout.
 */
async function inProcess(...args: string[]): Promise<CliRun> {
  const reportDir = join(dir, `reports-${++runs}`);
  vi.stubEnv('FACILIOO_TARGET', '');
  try {
    const run = await runCli(['scenarios', '--report-dir', reportDir, ...args]);
    return { code: run.code ?? 1, stdout: run.stdout, stderr: run.stderr, reportDir };
  } finally {
    vi.unstubAllEnvs();
  }
}

async function summary(run: CliRun): Promise<LayerReport> {
  return JSON.parse(await readFile(join(run.reportDir, 'summary.json'), 'utf8')) as LayerReport;
}

describe('facilioo-auth scenarios', () => {
  let clean: CliRun;
  let finding: CliRun;
  let strict: CliRun;
  let behaviour: CliRun;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scenarios-cli-'));
    const keys = await sharedKeys();
    const cleanApi = await startReferenceApi({ keys, control: true });
    const defectiveApi = await startReferenceApi({
      keys,
      control: true,
      defects: ['alg-none-accepted', 'refresh-token-reusable'],
    });
    servers.push(cleanApi, defectiveApi);
    cleanFile = await targetFile('clean', cleanApi);
    defectiveFile = await targetFile('defective', defectiveApi);
    // One run through the real binary, where the exit code the shell sees is the point; the
    // others in this process meanwhile.
    const throughBinary = spawned(
      '--target',
      defectiveFile,
      '--only',
      'forged.alg-none-refused',
      '--strict-security',
    );
    clean = await inProcess(
      '--target',
      cleanFile,
      '--only',
      'refresh.rotates',
      '--only',
      'forged.alg-none-refused',
      '--trace',
    );
    finding = await inProcess('--target', defectiveFile, '--only', 'forged.alg-none-refused');
    behaviour = await inProcess('--target', defectiveFile, '--only', 'refresh.spent-token-rejected');
    strict = await throughBinary;
  }, 240_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await rm(dir, { recursive: true, force: true });
  });

  test('exits 0 when every selected check passes, and reports only those checks', async () => {
    expect(clean.code, clean.stderr).toBe(0);
    const report = await summary(clean);
    expect(report.checks.map((check) => [check.id, check.status])).toEqual([
      ['refresh.rotates', 'passed'],
      ['forged.alg-none-refused', 'passed'],
      ['suite.leaves-target-as-found', 'passed'],
    ]);
  });

  test('writes JUnit with one testcase per selected check', async () => {
    const junit = await readFile(join(clean.reportDir, 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(2);
    expect(junit).toContain('[refresh.rotates]');
  });

  test('--trace prints every exchange with passwords and tokens redacted', async () => {
    const document = JSON.parse(await readFile(cleanFile, 'utf8')) as {
      accounts: Record<string, { password: string }>;
    };
    const output = clean.stdout + clean.stderr;
    expect(output).toMatch(/\[refresh\.rotates\] POST \/api\/auth\/login .*→ 200/);
    expect(output).toContain('"password":"[REDACTED]"');
    for (const { password } of Object.values(document.accounts)) expect(output).not.toContain(password);
    expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+/);
  });

  test('a failed security check is a finding: listed, but exit 0 without --strict-security', async () => {
    expect(finding.code, finding.stderr).toBe(0);
    expect(finding.stdout).toMatch(/finding \(critical, not gating\): \[forged\.alg-none-refused\]/);
    const report = await summary(finding);
    expect(report.checks.find((check) => check.id === 'forged.alg-none-refused')).toMatchObject({
      status: 'failed',
      kind: 'security',
      severity: 'critical',
    });
  });

  test('--strict-security makes the same finding exit 1, through the real binary', () => {
    expect(strict.code, strict.stderr).toBe(1);
  });

  test('a failed behaviour check exits 1', async () => {
    expect(behaviour.code, behaviour.stderr).toBe(1);
    const report = await summary(behaviour);
    expect(report.checks.find((check) => check.id === 'refresh.spent-token-rejected')).toMatchObject({
      status: 'failed',
    });
  });

  // Configuration errors end before vitest starts, so main() in this process shows the same.
  test('an unknown --only id exits 2 and lists the valid ids', async () => {
    const run = await inProcess('--only', 'no.such-check');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown check id: no.such-check');
    expect(run.stderr).toContain('refresh.rotates');
  });

  test('a target file that does not exist exits 2 naming it', async () => {
    const missing = join(dir, 'missing.json');
    const run = await inProcess('--target', missing);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(missing);
  });
});
