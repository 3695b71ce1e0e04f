// Whatever a target does wrong — 5xx, reset connections, no answer, a body that never ends,
// malformed JSON — a gate run ends within its bound with failures that name the request that
// failed: never a hang, never a crash, never a pass.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CheckResult } from '../src/report/types.ts';
import { FAULTS, startFaultServer } from './fault-server.ts';
import { gateRun, privatePacts } from './support.ts';

let pactDir: string;
const scratch: string[] = [];
beforeAll(async () => {
  pactDir = await privatePacts();
  scratch.push(pactDir);
}, 180_000);
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

const account = (name: string) => ({ email: `${name}@fault.test`, password: `pw-${name}-not-real` });

// The five runs are independent (own server, own reports folder), so they run side by side.
describe.concurrent.each(FAULTS)('a target whose every answer is "%s"', (fault) => {
  let server: Awaited<ReturnType<typeof startFaultServer>>;
  beforeAll(async () => {
    server = await startFaultServer(fault);
  });
  afterAll(() => server.close());

  // The test timeout is the bound: a gate that hung would be stopped here and fail.
  test('fails the gate, and every failed check names the request that failed', async () => {
    const dir = await mkdtemp(join(tmpdir(), `facilioo-fault-${fault}-`));
    scratch.push(dir);
    const targetFile = join(dir, 'target.json');
    await writeFile(
      targetFile,
      JSON.stringify({
        name: `fault-${fault}`,
        baseUrl: server.url,
        jwt: { issuer: 'fault.test', audience: 'fault-app.test' },
        accounts: {
          admin: account('admin'),
          propertyManagementCompany: account('pmc'),
          contractor: account('contractor'),
          user: account('user'),
          recovery: account('recovery'),
        },
        mailbox: { kind: 'mailpit', url: `${server.url}/mailbox` },
        // Each check that sends a request waits out one timeout, and the checks that share the
        // recovery account do so one after another: a short timeout keeps the run short. It is
        // still several times what the preflight round (two loopback answers) takes on a busy machine.
        options: { requestTimeoutSeconds: 0.5, maxWaitSeconds: 2 },
      }),
    );
    const { result, output } = await gateRun(targetFile, join(dir, 'reports'), pactDir);

    expect(result.exitCode, output()).toBe(1);
    expect(result.report.verdict).toBe('fail');
    expect(server.requests()).toBeGreaterThan(0);
    const checks: CheckResult[] = result.report.layers.flatMap((layer) => layer.checks);
    const layers = new Set(checks.map((check) => check.layer));
    expect([...layers].sort()).toEqual(['scenarios', 'verification']);

    // Nothing that talks to the API may pass; only "the target was left as found" can hold,
    // because a target that accepted nothing was changed by nothing.
    const passed = checks.filter((c) => c.status === 'passed' && c.id !== 'suite.leaves-target-as-found');
    expect(passed.map((c) => c.id)).toEqual([]);

    const failed = checks.filter((c) => c.status === 'failed');
    expect(failed.filter((c) => c.layer === 'verification').length).toBeGreaterThan(0);
    expect(failed.filter((c) => c.layer === 'scenarios').length).toBeGreaterThan(0);
    const unnamed = failed.filter(
      (c) => !/\b(GET|POST|PUT|DELETE) \/|\/api\/|127\.0\.0\.1/.test(c.reason ?? ''),
    );
    expect(
      unnamed.map((c) => `${c.id}: ${c.reason}`),
      'failures that do not name the request',
    ).toEqual([]);
  }, 120_000);
});
