// The suite works against a target it did not start, with no clock control: it waits for real expiry and passes.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_SEED, seedAccounts } from '../../src/reference-api/accounts.ts';
import type { CheckResult } from '../../src/report/types.ts';
import { ACCOUNT_SLOTS } from '../../src/roles.ts';
import { runChecks } from '../../src/scenarios/runner.ts';
import { loadTarget } from '../../src/target/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TARGET_FILE = fileURLToPath(new URL('fixtures/serve-target.json', import.meta.url));

/** What the fixture cannot have: no public keys (serve wrote none) and no clock control. */
const EXPECTED_SKIPS = [
  'tokens.signature-verifies',
  'forged.hs256-with-public-key-refused',
  'lockout.block-lasts-24-hours',
  'expiry.live-token-accepted-until-exp',
  'refresh.expired-refresh-token-refused',
  'recovery-code.expires',
];

let server: ChildProcess | undefined;
let results: CheckResult[] = [];
const trace: string[] = [];

/** Starts `facilioo-auth serve` and reads its base and mailbox URLs from the banner. */
async function startServe(): Promise<{ baseUrl: string; mailboxUrl: string }> {
  const child = spawn(
    process.execPath,
    [
      'bin/facilioo-auth.js',
      'serve',
      '--port',
      '0',
      '--access-token-seconds',
      '3',
      '--seed',
      String(DEFAULT_SEED),
      // Room for the suite's own recovery requests; the burst of 20 still meets the limit.
      '--limit',
      '10',
      '--limit-window-seconds',
      '3',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server = child;
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no banner in 60 s:\n${output}`)), 60_000);
    child.stderr?.on('data', (chunk) => {
      output += String(chunk);
    });
    child.stdout?.on('data', (chunk) => {
      output += String(chunk);
      const baseUrl = /base URL\s+(\S+)/.exec(output)?.[1];
      const mailboxUrl = /mailbox URL\s+(\S+)/.exec(output)?.[1];
      if (baseUrl && mailboxUrl) {
        clearTimeout(timer);
        resolve({ baseUrl, mailboxUrl });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
}

/** The environment the hand-written target file refers to, as a CI job would set it. */
function envFor(urls: { baseUrl: string; mailboxUrl: string }): Record<string, string> {
  const { slots } = seedAccounts(DEFAULT_SEED, 0);
  const env: Record<string, string> = { SERVE_BASE_URL: urls.baseUrl, SERVE_MAILBOX_URL: urls.mailboxUrl };
  for (const slot of ACCOUNT_SLOTS) {
    const name = `SERVE_${slot.replace(/([A-Z])/g, '_$1').toUpperCase()}`;
    env[`${name}_EMAIL`] = slots[slot].email;
    env[`${name}_PASSWORD`] = slots[slot].password;
  }
  return env;
}

describe('the scenario suite against a separately started `facilioo-auth serve` without control', () => {
  beforeAll(async () => {
    const urls = await startServe();
    const target = loadTarget(TARGET_FILE, envFor(urls));
    results = await runChecks(target, { trace: (line) => trace.push(line) });
  }, 180_000);

  afterAll(() => {
    server?.kill('SIGTERM');
  });

  test('no check fails and nothing is a finding', () => {
    const failed = results.filter((result) => result.status === 'failed');
    expect(failed.map((result) => `${result.id}: ${result.reason}`)).toEqual([]);
  });

  test('only the checks needing keys or clock control are skipped, each with its reason', () => {
    const skipped = results.filter((result) => result.status === 'skipped');
    expect(skipped.map((result) => result.id).sort()).toEqual([...EXPECTED_SKIPS].sort());
    for (const result of skipped) expect(result.reason).toMatch(/has no (jwt\.publicKeys|control)/);
  });

  test('the expiry checks waited for the access token to expire for real, and passed', () => {
    expect(
      trace.some((line) => /waiting \d+ s for the access token to expire \(no clock control\)/.test(line)),
    ).toBe(true);
    const expiry = results.filter(
      (result) => result.id.startsWith('expiry.') && !EXPECTED_SKIPS.includes(result.id),
    );
    expect(expiry.map((result) => result.status)).toEqual(['passed', 'passed', 'passed']);
  });
});
