// The scripts run under real k6 end to end — when k6 is on PATH. It is a Go binary no package
// registry here ships, so on machines without it these tests are skipped with that reason.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ProbeResult } from '../../load/lib/probe.ts';
import { findK6 } from '../../src/load/k6.ts';

const BIN = join(process.cwd(), 'bin', 'facilioo-auth.js');
const k6 = findK6(process.env);
const SKIP =
  'k6 is not on PATH (install it, or set K6_BINARY) — the scripts were only bundled and type-checked';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'facilioo-k6-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function load(args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'load', ...args], {
      cwd: dir,
      env: process.env,
      stdio: 'ignore',
    });
    child.on('close', resolve);
  });
}

interface Summary {
  metrics: Record<string, { values: Record<string, number> } | undefined>;
}

async function json<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(join(dir, 'reports', 'load', file), 'utf8')) as T;
}

describe('under k6', () => {
  test('the probe finds the embedded fixed window of 5 per 10 s and writes its result', async (ctx) => {
    ctx.skip(!k6, SKIP);
    expect(await load(['rate-limit-probe', '--max-seconds', '60'])).toBe(0);
    const { rateLimit, timeline } = await json<ProbeResult>('rate-limit-probe.json');
    expect(rateLimit).toMatchObject({
      endpoint: 'recoverPassword',
      limit: 5,
      rejectStatus: 429,
      algorithm: 'fixed-window',
    });
    expect(Math.abs((rateLimit.windowSeconds ?? 0) - 10)).toBeLessThanOrEqual(1);
    expect(rateLimit.requestsSent).toBeLessThanOrEqual(20);
    expect(timeline.length).toBe(rateLimit.requestsSent);
    const summary = await json<Summary>('rate-limit-probe-summary.json');
    expect(summary.metrics.probe_limit_found?.values.rate).toBe(1);
  }, 180_000);

  test('the smoke profile passes its thresholds and never forks a refresh token', async (ctx) => {
    ctx.skip(!k6, SKIP);
    expect(await load(['auth-flow.smoke'])).toBe(0);
    const summary = await json<Summary>('auth-flow.smoke-summary.json');
    expect(summary.metrics.refresh_forks?.values.count ?? 0).toBe(0);
    expect(summary.metrics.refresh_fork_checks?.values.count).toBeGreaterThan(0);
    expect(summary.metrics['http_req_duration{endpoint:login}']).toBeDefined();
  }, 180_000);

  test('auth-flow with --profile runs the same flow', async (ctx) => {
    ctx.skip(!k6, SKIP);
    expect(await load(['auth-flow', '--profile', 'smoke'])).toBe(0);
    expect((await json<Summary>('auth-flow.smoke-summary.json')).metrics.checks?.values.rate).toBe(1);
  }, 180_000);
});
