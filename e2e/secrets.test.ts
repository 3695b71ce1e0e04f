// No password, token or recovery code that crossed the wire in a gate run ends up in any file
// under reports/ — in any spelling — not even in failure reasons, the riskiest text there is.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningReferenceApi, startReferenceApi } from '../src/reference-api/index.ts';
import { scanForSecrets } from '../src/report/index.ts';
import { sharedKeys } from '../test/scenarios/reference-target.ts';
import { type RecordingProxy, startRecordingProxy } from './recording-proxy.ts';
import { gateRun, privatePacts } from './support.ts';

// Both make checks fail, so failure reasons (which quote answers and requests) are written.
const DEFECTS = ['refresh-token-reusable', 'no-www-authenticate'] as const;

describe('a gate run against a target with defects, every request recorded', () => {
  let api: RunningReferenceApi;
  let proxy: RecordingProxy;
  let dir: string;
  let pactDir: string;

  beforeAll(async () => {
    pactDir = await privatePacts();
    api = await startReferenceApi({
      keys: await sharedKeys(),
      control: true,
      host: '127.0.0.1',
      port: 0,
      defects: [...DEFECTS],
    });
    proxy = await startRecordingProxy(api.baseUrl);
    dir = await mkdtemp(join(tmpdir(), 'facilioo-e2e-secrets-'));
  }, 180_000);

  afterAll(async () => {
    await proxy?.close();
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (pactDir) await rm(pactDir, { recursive: true, force: true });
  });

  test('leaves no password, token or recovery code in any report file', async () => {
    const keyFiles = await Promise.all(
      api.publicKeyPems.map(async (pem, index) => {
        const file = join(dir, `key-${index}.pem`);
        await writeFile(file, pem);
        return file;
      }),
    );
    const document = api.targetDocument(keyFiles);
    const targetFile = join(dir, 'target.json');
    await writeFile(
      targetFile,
      JSON.stringify({
        ...document,
        baseUrl: proxy.url,
        mailbox: { ...document.mailbox, url: `${proxy.url}/mailbox` },
        control: `${proxy.url}/_control`,
      }),
    );

    const reportDir = join(dir, 'reports');
    const { result, output } = await gateRun(targetFile, reportDir, pactDir);
    // A CI log holds the progress output, so it is scanned like any report.
    await mkdir(reportDir, { recursive: true });
    await writeFile(join(reportDir, 'gate-progress.log'), output());

    // The defects were caught: failure reasons were written, so the scan covers them.
    expect(result.exitCode, output()).toBe(1);
    const failed = result.report.layers.flatMap((layer) => layer.checks).filter((c) => c.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);

    const { password, token, recoveryCode } = proxy.recorded();
    const planted = Object.values(api.accounts).map((account) => account.password);
    // index.html inlines Chart.js, whose source holds many 6-digit runs (colours, constants);
    // a code that happens to be one of them would be "found" there without having leaked.
    const chartJs = await readFile(join('node_modules', 'chart.js', 'dist', 'chart.umd.js'), 'utf8');
    const codes = [...recoveryCode].filter((code) => !chartJs.includes(code));

    // Not vacuous: the run really carried secrets of every kind through the proxy.
    for (const plantedPassword of planted) expect(password.has(plantedPassword)).toBe(true);
    expect(token.size).toBeGreaterThan(20);
    expect(codes.length).toBeGreaterThanOrEqual(1);

    const secrets = [...new Set([...planted, ...password, ...token, ...codes])];
    const findings = await scanForSecrets(reportDir, secrets);
    expect(findings).toEqual([]);
  }, 120_000);
});

describe('the scan itself', () => {
  test('finds a planted token in a report file', async () => {
    const reportDir = await mkdtemp(join(tmpdir(), 'facilioo-e2e-secrets-plant-'));
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJlLXBsYW50ZWQ';
    await mkdir(join(reportDir, 'scenarios'));
    await writeFile(join(reportDir, 'scenarios', 'summary.json'), JSON.stringify({ reason: `got ${token}` }));
    await writeFile(join(reportDir, 'summary.md'), '| check | passed |\n');

    const findings = await scanForSecrets(reportDir, ['correct-horse-battery', token]);
    expect(findings.map((f) => f.file)).toEqual([join('scenarios', 'summary.json')]);
    expect(findings[0]?.secretHint).toMatch(/^secret #2 /);
    await rm(reportDir, { recursive: true, force: true });
  });
});
