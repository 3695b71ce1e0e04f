// Runs never overwrite each other: each keeps its own folder, the root shows the latest plus the
// history, and a probe or load result appears only in the run it belongs to.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { windowStartMs } from '../../src/report/inputs.ts';
import { loadReport, probeReport, readHistory, runId, writeRun } from '../../src/report/runs.ts';

const STARTED = '2026-11-28T08:00:00.000Z';

import type { GateReport } from '../../src/report/types.ts';
import { sampleGate, sampleProbe } from './sample.ts';
import { tempDirs } from './temp.ts';

const tempDir = tempDirs('reports-runs-');

const at = (gate: GateReport, startedAt: string, name = gate.target.name): GateReport => ({
  ...gate,
  startedAt,
  target: { ...gate.target, name },
});

describe('writeRun', () => {
  test('a second run keeps the first: own folders, the first listed in the root history', async () => {
    const dir = await tempDir();
    const first = await writeRun(at(sampleGate(), '2026-11-28T08:00:00.000Z', 'staging'), {
      dir,
      kind: 'gate',
    });
    const firstPage = await readFile(join(first.runDir, 'index.html'), 'utf8');
    const second = await writeRun(at(sampleGate(), '2026-11-28T09:00:00.000Z', 'qa env'), {
      dir,
      kind: 'gate',
    });

    expect((await readdir(join(dir, 'runs'))).sort()).toEqual([
      '2026-11-28T08-00-00-000Z-staging',
      '2026-11-28T09-00-00-000Z-qa-env',
    ]);
    expect(await readFile(join(first.runDir, 'index.html'), 'utf8')).toBe(firstPage);
    expect(second.runDir).toContain('2026-11-28T09-00-00-000Z-qa-env');

    const root = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as GateReport;
    expect(root.run?.id).toBe('2026-11-28T09-00-00-000Z-qa-env');
    expect(root.history?.map((entry) => [entry.id, entry.target.name, entry.verdict])).toEqual([
      ['2026-11-28T08-00-00-000Z-staging', 'staging', 'fail'],
    ]);
    const markdown = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(markdown).toContain('### Earlier runs');
    expect(markdown).toContain(
      '[2026-11-28T08:00:00.000Z](runs/2026-11-28T08-00-00-000Z-staging/index.html)',
    );
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('<table class="history">');
    expect(html).toContain('href="runs/2026-11-28T08-00-00-000Z-staging/index.html"');
  });

  test("a probe's chart is in its own run only, labelled with target and time", async () => {
    const dir = await tempDir();
    const target = { name: 'staging', baseUrl: 'https://staging.example.test' };
    const probeRun = await writeRun(
      probeReport(sampleProbe, { target, startedAt: '2026-11-28T07:00:00.000Z', durationMs: 12_000 }),
      { dir, kind: 'probe', probe: sampleProbe },
    );
    const probePage = await readFile(join(probeRun.runDir, 'index.html'), 'utf8');
    expect(probePage).toContain('id="probe-chart"');
    expect(probePage).toContain(
      'Probe of target staging (https://staging.example.test), run started 2026-11-28T07:00:00.000Z',
    );

    await writeRun(at(sampleGate(), '2026-11-28T08:00:00.000Z'), { dir, kind: 'gate' });
    const root = await readFile(join(dir, 'index.html'), 'utf8');
    expect(root).not.toContain('id="probe-chart"');
    expect(root).toContain('no probe in this run');
    const history = await readHistory(dir);
    expect(history.map((entry) => entry.kind)).toEqual(['gate', 'probe']);
  });

  test('load thresholds from the run folder reach summary.json, summary.md and the page, failures marked', async () => {
    const dir = await tempDir();
    const file = join(dir, 'auth-flow.smoke-thresholds.json');
    await writeFile(
      file,
      JSON.stringify({
        thresholds: [
          { metric: 'http_req_duration{endpoint:login}', expression: 'p(95)<500', ok: true, value: 120.456 },
          { metric: 'http_req_failed', expression: 'rate<0.01', ok: false, value: 0.25 },
        ],
      }),
    );
    await writeRun(at(sampleGate(), '2026-11-28T08:00:00.000Z'), { dir, kind: 'load', loadFiles: [file] });
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as GateReport;
    expect(summary.thresholds).toEqual([
      {
        run: 'auth-flow.smoke',
        metric: 'http_req_duration{endpoint:login}',
        expression: 'p(95)<500',
        ok: true,
        value: 120.456,
      },
      { run: 'auth-flow.smoke', metric: 'http_req_failed', expression: 'rate<0.01', ok: false, value: 0.25 },
    ]);
    const markdown = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(markdown).toContain('| ❌ fail | auth-flow.smoke | http_req_failed | rate&lt;0.01 | 0.25 |');
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toMatch(
      /<tr class="row-failed"><td><span class="badge badge-failed">fail<\/span><\/td><td>auth-flow\.smoke/,
    );
  });

  test("a failed check links to its redacted request/response trace from the run's page and the root", async () => {
    const dir = await tempDir();
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const traces = new Map([
      [
        'refresh.spent-token-rejected',
        [`[refresh.spent-token-rejected] POST /api/auth/refresh {"refreshToken":"${token}"} → 200 in 3 ms`],
      ],
      ['refresh.rotates', ['[refresh.rotates] POST /api/auth/refresh → 200 in 2 ms']],
    ]);
    const run = await writeRun(at(sampleGate(), STARTED), { dir, kind: 'gate', traces });
    const file = join(run.runDir, 'traces', 'refresh.spent-token-rejected.log');
    const trace = await readFile(file, 'utf8');
    expect(trace).toContain('POST /api/auth/refresh');
    expect(trace).not.toContain(token);
    // Only failed checks get one.
    expect(await readdir(join(run.runDir, 'traces'))).toEqual(['refresh.spent-token-rejected.log']);

    const own = await readFile(join(run.runDir, 'index.html'), 'utf8');
    expect(own).toContain('<a href="traces/refresh.spent-token-rejected.log">');
    const root = await readFile(join(dir, 'index.html'), 'utf8');
    expect(root).toContain(
      '<a href="runs/2026-11-28T08-00-00-000Z-reference/traces/refresh.spent-token-rejected.log">',
    );
    const markdown = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(markdown).toContain(
      '([trace](runs/2026-11-28T08-00-00-000Z-reference/traces/refresh.spent-token-rejected.log))',
    );
  });

  test('a k6 run: each threshold is a check, a failed one names its value and expression', () => {
    const gate = loadReport(
      [
        {
          run: 'auth-flow.smoke',
          metric: 'http_req_failed',
          expression: 'rate<0.01',
          ok: false,
          value: 0.25,
        },
        { run: 'auth-flow.smoke', metric: 'checks', expression: 'rate>0.99', ok: true, value: 1 },
      ],
      {
        target: { name: 'staging', baseUrl: 'https://s.test' },
        startedAt: STARTED,
        durationMs: 1000,
        exitCode: 99,
      },
    );
    expect(gate.verdict).toBe('fail');
    expect(gate.counts).toMatchObject({ passed: 1, failed: 1 });
    expect(gate.layers[0]?.checks[0]?.reason).toBe('http_req_failed was 0.25; the threshold is rate<0.01');
    const empty = loadReport([], {
      target: { name: 'staging', baseUrl: 'https://s.test' },
      startedAt: STARTED,
      durationMs: 1000,
      exitCode: 1,
    });
    expect(empty.layers[0]?.checks[0]).toMatchObject({ id: 'load.run', status: 'failed' });
  });

  test('run ids sort by time and name the target in file-system-safe words', () => {
    expect(
      runId({ startedAt: '2026-11-28T08:00:00.000Z', target: { name: 'Staging / EU', baseUrl: '' } }),
    ).toBe('2026-11-28T08-00-00-000Z-staging-eu');
  });
});

describe('windowStartMs', () => {
  test('a readmission after rejections places the window, reaching back before the first request', () => {
    // Readmitted at 10.1 s with a 10 s window: boundaries at 0.1 s and −9.9 s; the first request
    // (0 s) fell in the window that opened at −9.9 s.
    expect(windowStartMs(sampleProbe)).toBe(-9900);
  });

  test('without a rejection followed by an admission there is nothing to place it by', () => {
    const onlyRejected = { ...sampleProbe, timeline: sampleProbe.timeline!.slice(0, 9) };
    expect(windowStartMs(onlyRejected)).toBeNull();
  });
});
