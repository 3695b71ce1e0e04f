// The load layer's probe against a target that stops answering after the preflight: each request
// ends after requestTimeoutSeconds as "no answer", the probe stops within its budget and writes
// its run — never a hang.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { runCli } from '../test/cli/run-cli.ts';
import { type FaultServer, startFaultServer } from './fault-server.ts';

let server: FaultServer;
let dir: string;
beforeAll(async () => {
  vi.stubEnv('FACILIOO_TARGET', '');
  server = await startFaultServer('hang');
  dir = await mkdtemp(join(tmpdir(), 'facilioo-e2e-probe-'));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

test('a target that stops answering mid-probe: every request ends as "no answer", the run is written', async () => {
  const targetFile = join(dir, 'target.json');
  await writeFile(
    targetFile,
    JSON.stringify({
      name: 'stops-answering',
      baseUrl: server.url,
      accounts: { user: { email: 'user@fault.test', password: 'pw-user-not-real' } },
      // Each of the three requests waits out one timeout; the preflight's two answers come at once.
      options: { requestTimeoutSeconds: 0.5 },
    }),
  );
  const reports = join(dir, 'reports', 'load');
  const { code, out } = await runCli([
    'probe',
    '--target',
    targetFile,
    '--report-dir',
    reports,
    '--max-requests',
    '3',
  ]);
  expect(code, out).toBe(1);
  expect(out).toMatch(/#1 at .* → no answer/);
  const result = JSON.parse(await readFile(join(reports, 'rate-limit-probe.json'), 'utf8'));
  expect(result.rateLimit.limit).toBeNull();
  expect(result.timeline.every((point: { status: number }) => point.status === 0)).toBe(true);
  const summary = JSON.parse(await readFile(join(dir, 'reports', 'summary.json'), 'utf8'));
  expect(summary.run.kind).toBe('probe');
  expect(summary.layers[0].checks[0]).toMatchObject({ id: 'load.rate-limit-probe', status: 'failed' });
}, 120_000);
