// The verdict: only failed contract and behaviour checks fail the gate; security failures are
// findings that fail it only under strict security; skipped checks never count as passed.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { mergeLayers, readLayerReport } from '../../src/report/merge.ts';
import type { CheckResult, LayerReport } from '../../src/report/types.ts';
import {
  CHECK_COUNT,
  contractsLayer,
  STARTED_AT,
  sampleGate,
  scenariosLayer,
  verificationLayer,
} from './sample.ts';
import { tempDirs } from './temp.ts';

const tempDir = tempDirs('report-merge-');
const target = { name: 'reference', baseUrl: 'http://127.0.0.1:1' };

function only(...checks: Partial<CheckResult>[]): LayerReport {
  return {
    ...contractsLayer,
    checks: checks.map((check, i) => ({ ...contractsLayer.checks[0]!, id: `c${i}`, ...check })),
  };
}

describe('mergeLayers', () => {
  test('a failed behaviour check fails the gate', () => {
    expect(sampleGate().verdict).toBe('fail');
  });

  test('a security finding alone does not fail the gate', () => {
    const gate = mergeLayers(
      [only({ status: 'passed' }, { kind: 'security', status: 'failed', severity: 'low' })],
      {
        strictSecurity: false,
        target,
        startedAt: STARTED_AT,
      },
    );
    expect(gate.verdict).toBe('pass');
    expect(gate.counts).toEqual({ passed: 1, failed: 1, skipped: 0, findings: 1 });
  });

  test('under strict security a finding fails the gate', () => {
    const layers = [only({ kind: 'security', status: 'failed', severity: 'low' })];
    expect(mergeLayers(layers, { strictSecurity: true, target, startedAt: STARTED_AT }).verdict).toBe('fail');
  });

  test('skipped checks are counted as skipped, never as passed', () => {
    const gate = mergeLayers([only({ status: 'skipped', reason: 'no mailbox' })], {
      strictSecurity: false,
      target,
      startedAt: STARTED_AT,
    });
    expect(gate.counts).toEqual({ passed: 0, failed: 0, skipped: 1, findings: 0 });
  });

  test('counts cover every check of every layer', () => {
    const { counts, layers } = sampleGate();
    expect(layers).toHaveLength(3);
    expect(counts).toEqual({ passed: 4, failed: 2, skipped: 2, findings: 1 });
    expect(counts.passed + counts.failed + counts.skipped).toBe(CHECK_COUNT);
  });

  test('only the name and base URL of a target reach the report', () => {
    const resolved = { ...target, accounts: { admin: { email: 'a@b.c', password: 'hunter2-hunter2' } } };
    const gate = mergeLayers([], { strictSecurity: false, target: resolved, startedAt: STARTED_AT });
    expect(gate.target).toEqual(target);
    expect(JSON.stringify(gate)).not.toContain('hunter2');
  });

  test('the duration spans from the start to the end of the last layer', () => {
    // scenarios start 2 s after the gate and take 1 s
    expect(sampleGate().durationMs).toBe(3000);
    expect(
      mergeLayers([verificationLayer, scenariosLayer], {
        strictSecurity: false,
        target,
        startedAt: STARTED_AT,
        durationMs: 42,
      }).durationMs,
    ).toBe(42);
  });
});

describe('readLayerReport', () => {
  test('a valid layer report is read back unchanged', async () => {
    const dir = await tempDir();
    const file = join(dir, 'summary.json');
    await writeFile(file, JSON.stringify(scenariosLayer));
    expect(await readLayerReport(file)).toEqual(scenariosLayer);
  });

  test('a layer report with a wrong field names the file and the field', async () => {
    const dir = await tempDir();
    const file = join(dir, 'summary.json');
    const broken = { ...scenariosLayer, checks: [{ ...scenariosLayer.checks[0], status: 'green' }] };
    await writeFile(file, JSON.stringify(broken));
    const error = await readLayerReport(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).where).toBe(file);
    expect((error as ConfigError).field).toBe('checks.0.status');
  });

  test('a truncated layer report is a configuration error naming the file', async () => {
    const dir = await tempDir();
    const file = join(dir, 'summary.json');
    await writeFile(file, JSON.stringify(scenariosLayer).slice(0, 50));
    await expect(readLayerReport(file)).rejects.toThrow(`${file}: the layer report is not valid JSON`);
  });
});
