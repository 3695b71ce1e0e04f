// `facilioo-auth probe` finds a target's rate limit without k6, with the same probe the k6 script
// runs, writes the same result file, and refuses production before sending anything. The probe's
// requests are real HTTP, but its clock and waits are virtual, on the reference API's own
// ManualClock: on real time a busy machine (load average 12 on two cores) stretched the 3-request
// burst across the 1 s window and the window read wrong. Real time is not what this file checks;
// how the probe copes with latency is checked over many latencies in test/load/probe.test.ts.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { virtualTiming } from '../../src/k6/timing.ts';
import { ManualClock, type RunningReferenceApi, startReferenceApi } from '../../src/reference-api/index.ts';
import { testKeys } from '../reference-api/support.ts';
import { runCli } from './run-cli.ts';

describe('facilioo-auth probe', () => {
  let api: RunningReferenceApi;
  let dir: string;
  const clock = new ManualClock();

  beforeAll(async () => {
    api = await startReferenceApi({
      keys: await testKeys(),
      clock,
      host: '127.0.0.1',
      port: 0,
      limits: { algorithm: 'fixed-window', permitLimit: 3, windowSeconds: 1, routes: ['recoverPassword'] },
    });
    dir = await mkdtemp(join(tmpdir(), 'facilioo-probe-'));
  });
  afterAll(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("finds the limit and window of the target's limiter and writes rate-limit-probe.json", async () => {
    const file = join(dir, 'target.json');
    await writeFile(file, JSON.stringify(api.targetDocument([])));
    const { code, out } = await runCli(['probe', '--target', file, '--report-dir', dir], {
      context: { probeTiming: virtualTiming(clock) },
    });
    expect(code, out).toBe(0);
    const result = JSON.parse(await readFile(join(dir, 'rate-limit-probe.json'), 'utf8'));
    expect(result.rateLimit).toMatchObject({ limit: 3, rejectStatus: 429, algorithm: 'fixed-window' });
    expect(result.rateLimit.windowSeconds).toBeGreaterThan(0.9);
    expect(result.rateLimit.windowSeconds).toBeLessThan(1.1);
    expect(result.timeline.length).toBe(result.rateLimit.requestsSent);
    expect(out).toMatch(/3 requests per/);
  });

  test('a target named production is refused with exit 2 before any request', async () => {
    const file = join(dir, 'production.json');
    const reports = join(dir, 'production-reports');
    await writeFile(file, JSON.stringify({ ...api.targetDocument([]), name: 'production' }));
    const { code, out } = await runCli(['probe', '--target', file, '--report-dir', reports]);
    expect(code).toBe(2);
    expect(out).toMatch(/is production/);
    expect(out).toMatch(/--allow-production/);
    await expect(readFile(join(reports, 'rate-limit-probe.json'), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
