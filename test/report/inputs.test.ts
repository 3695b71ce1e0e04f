// The page reads files other tools write; every pact version and both k6 summary shapes must
// read, and anything missing or odd becomes a note rather than a failed report.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  type InputNote,
  latencyRows,
  readLoadSummaries,
  readPacts,
  readProbe,
} from '../../src/report/inputs.ts';
import { sampleK6Summary, samplePact, sampleProbe } from './sample.ts';
import { tempDirs } from './temp.ts';

const tempDir = tempDirs('report-inputs-');

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}

describe('pact files', () => {
  test('v4 interactions list description, states with parameters, request and status', async () => {
    const notes: InputNote[] = [];
    const [pact] = await readPacts(await folder({ 'a.json': JSON.stringify(samplePact) }), notes);
    expect(notes).toEqual([]);
    expect(pact).toMatchObject({
      consumer: 'facilioo-auth-client',
      provider: 'facilioo-auth-api',
      specification: '4.0',
    });
    expect(pact!.interactions[0]).toEqual({
      description: 'a login with valid credentials',
      providerStates: ['an account exists {"role":"admin"}'],
      method: 'POST',
      path: '/api/auth/login',
      status: 200,
    });
  });

  test('a v2 pact names its one provider state', async () => {
    const v2 = {
      ...samplePact,
      interactions: [
        {
          description: 'd',
          providerState: 's',
          request: { method: 'get', path: '/p' },
          response: { status: 204 },
        },
      ],
    };
    const [pact] = await readPacts(await folder({ 'b.json': JSON.stringify(v2) }), []);
    expect(pact!.interactions[0]).toMatchObject({ providerStates: ['s'], method: 'GET', status: 204 });
  });

  test('a missing pact folder and a broken pact file become notes', async () => {
    const notes: InputNote[] = [];
    expect(await readPacts('/nonexistent/pacts', notes)).toEqual([]);
    expect(notes[0]?.message).toContain('no pact files yet');
    const dir = await folder({ 'good.json': JSON.stringify(samplePact), 'bad.json': '{' });
    const more: InputNote[] = [];
    expect(await readPacts(dir, more)).toHaveLength(1);
    expect(more).toEqual([
      { input: 'pacts', message: `${join(dir, 'bad.json')} was left out: not valid JSON` },
    ]);
  });
});

describe('the probe result', () => {
  test('is read with its timeline', async () => {
    const dir = await folder({ 'p.json': JSON.stringify(sampleProbe) });
    expect(await readProbe(join(dir, 'p.json'), [])).toEqual(sampleProbe);
  });

  test('a missing probe result says how to produce one', async () => {
    const notes: InputNote[] = [];
    expect(await readProbe('/nonexistent/rate-limit-probe.json', notes)).toBeUndefined();
    expect(notes[0]?.message).toBe(
      'no probe in this run: `facilioo-auth probe` (or, with k6, `facilioo-auth load rate-limit-probe`) is a run of its own, listed under Earlier runs',
    );
  });

  test('a probe result with a non-numeric limit is left out with the field named', async () => {
    const bad = { rateLimit: { ...sampleProbe.rateLimit, limit: 'five' } };
    const dir = await folder({ 'p.json': JSON.stringify(bad) });
    const notes: InputNote[] = [];
    expect(await readProbe(join(dir, 'p.json'), notes)).toBeUndefined();
    expect(notes[0]?.message).toContain('rateLimit.limit is not a number');
  });
});

describe('k6 summaries', () => {
  test('handleSummary data gives one row per endpoint-tagged duration metric', () => {
    const rows = latencyRows('smoke', sampleK6Summary);
    expect(rows.map((row) => row.endpoint)).toEqual(['login', 'refresh', 'myself']);
    expect(rows[0]).toEqual({ run: 'smoke', endpoint: 'login', med: 30, avg: 33, p95: 80, p99: 120 });
  });

  test('the flat --summary-export shape reads the same', () => {
    const flat = {
      metrics: { 'http_req_duration{endpoint:login,status:200}': { med: 1, avg: 2, 'p(95)': 3, 'p(99)': 4 } },
    };
    expect(latencyRows('x', flat)).toEqual([
      { run: 'x', endpoint: 'login status:200', med: 1, avg: 2, p95: 3, p99: 4 },
    ]);
  });

  test('summaries are found by their -summary.json suffix, named by run', async () => {
    const dir = await folder({ 'stress-summary.json': JSON.stringify(sampleK6Summary), 'other.json': '{}' });
    const rows = await readLoadSummaries(dir, []);
    expect(new Set(rows.map((row) => row.run))).toEqual(new Set(['stress']));
  });

  test('no load in this run becomes a note', async () => {
    const notes: InputNote[] = [];
    expect(await readLoadSummaries(await folder({}), notes)).toEqual([]);
    expect(notes[0]?.message).toContain('no load in this run');
  });
});
