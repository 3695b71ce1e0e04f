// Outside a terminal k6's output goes into the run's log: its summary, threshold and log lines
// reach it, its banner and per-second progress do not, and no secret handed to k6 comes back out.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findK6, k6Args, runK6 } from '../../src/k6/k6.ts';
import { isProgressLine, k6LogLine } from '../../src/k6/output.ts';
import { REDACTED, registerSecret } from '../../src/redact/index.ts';

const k6 = findK6(process.env);
const SKIP = 'k6 is not on PATH (install it, or set K6_BINARY)';
const PASSWORD = 'Sommer-Passwort-7319';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'facilioo-k6-output-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a line of k6 output', () => {
  test('progress lines, as k6 0.48 writes them without a terminal, are dropped', () => {
    for (const line of [
      'running (00m01.0s), 1/1 VUs, 3 complete and 0 interrupted iterations',
      'smoke   [  80% ] 1 VUs  0m11.9s/1m0s  4/5 shared iters',
      'average ✓ [ 100% ] 00/10 VUs  5s  1.58 iters/s',
      'probe   [   0% ]',
      '   ',
    ]) {
      expect(k6LogLine(line), line).toBeUndefined();
    }
  });

  test('summary and threshold lines pass unchanged', () => {
    for (const line of [
      'auth-flow.smoke',
      '  ✓ http_req_duration{endpoint:login}: p(95)<800',
      '  ✗ refresh_forks: count==0',
      '1 threshold(s) failed',
    ]) {
      expect(isProgressLine(line), line).toBe(false);
      expect(k6LogLine(line)).toBe(line);
    }
  });

  test("k6's logfmt lines are shortened to level and message, their other fields kept", () => {
    expect(
      k6LogLine('time="2026-12-01T03:46:57Z" level=info msg="5 VUs share \\"one\\" account" source=console'),
    ).toBe('info: 5 VUs share "one" account');
    expect(
      k6LogLine('time="2026-12-01T03:46:52Z" level=warning msg="Request Failed" error="connection refused"'),
    ).toBe('warning: Request Failed (error="connection refused")');
  });

  test('secrets are masked: a registered password, a JWT, a password field', () => {
    registerSecret(PASSWORD);
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl';
    const line = k6LogLine(`login refused for ${PASSWORD} with ${jwt} {"password":"other-secret-99"}`);
    expect(line).not.toContain(PASSWORD);
    expect(line).not.toContain('eyJzdWIiOiIxIn0');
    expect(line).not.toContain('other-secret-99');
    expect(line).toContain(REDACTED);
  });

  test('a piped run is quiet and leaves the fixed REST API port to others; an inherited one is not', () => {
    expect(k6Args({ bundle: '/b.js', vars: {}, piped: true })).toEqual([
      'run',
      '--include-system-env-vars=false',
      '--quiet',
      '--address',
      '127.0.0.1:0',
      '/b.js',
    ]);
    expect(k6Args({ bundle: '/b.js', vars: {} })).not.toContain('--quiet');
  });
});

describe('under k6', () => {
  test('summary, thresholds and console lines reach the log; banner, progress and the password do not', async (ctx) => {
    ctx.skip(!k6, SKIP);
    registerSecret(PASSWORD);
    // As the run document does: the secret reaches the script in a file, never on the command line.
    const secrets = join(dir, 'secrets.json');
    await writeFile(secrets, JSON.stringify({ email: 'load-001@load.facilioo.test', password: PASSWORD }));
    const script = join(dir, 'echo.js');
    await writeFile(
      script,
      [
        `const account = JSON.parse(open(${JSON.stringify(secrets)}));`,
        "export const options = { iterations: 3, vus: 1, thresholds: { iterations: ['count==3'] } };",
        'export default function () {',
        "  console.warn('login refused for ' + account.email + ' with ' + account.password);",
        '  console.log(JSON.stringify(account));',
        '}',
        "export function handleSummary() { return { stdout: '\\n  ✓ iterations: count==3\\nall thresholds passed\\n' }; }",
      ].join('\n'),
    );
    const log: string[] = [];
    const { exitCode } = await runK6({
      k6: k6 as string,
      bundle: script,
      vars: {},
      env: { PATH: process.env.PATH ?? '', HOME: dir },
      cwd: dir,
      timeoutMs: 60_000,
      output: { log: (line) => log.push(line) },
    });
    const text = log.join('\n');
    expect(exitCode, text).toBe(0);
    expect(log).toContain('  ✓ iterations: count==3');
    expect(log).toContain('all thresholds passed');
    expect(log.filter((line) => line.startsWith('warning: login refused for load-001'))).toHaveLength(3);
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain(REDACTED);
    expect(text).not.toMatch(/running \(|\[\s*\d+%\s*\]|\.io$|execution: local/m);
  }, 60_000);
});
