// The gate passes against a correct server in every reading of the OPEN points and still fails
// against that reading with a defect that concerns it: "point it at any deployment" holds.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeFileAtomic } from '../src/report/atomic.ts';
import {
  type GateRun,
  gateAgainst,
  matrixTable,
  pactCache,
  scenariosAgainst,
  scratchDir,
  sessionPool,
} from './support.ts';
import { READINGS, type Reading } from './table.ts';

let scratch: string;
let pacts: ReturnType<typeof pactCache>;
// Warm verification workers, kept across the matrix's gate runs.
const sessions = sessionPool();
const results = new Map<string, { pass?: GateRun; broken?: GateRun }>();

beforeAll(async () => {
  scratch = await scratchDir();
  pacts = pactCache(scratch);
});

afterAll(async () => {
  await sessions.close();
  const contracts = pacts.runs.map((run) => `${run.readings} ${run.seconds.toFixed(1)} s`).join(', ');
  const table = `${matrixTable(READINGS.map((row) => ({ ...row, ...results.get(row.name) })))}\n\ncontracts written once per readings: ${contracts}`;
  await writeFileAtomic(join('reports', 'readings', 'matrix.md'), `${table}\n`);
  console.log(`readings matrix (reports/readings/matrix.md):\n${table}`);
  await rm(scratch, { recursive: true, force: true });
});

const flags = (serve: string) => serve.split(/\s+/).filter(Boolean);

// Rows without clock control wait in real time (token expiry, limiter windows) while using little
// CPU: they start first, so the CPU-bound rows run during their waits instead of after them.
const waitsInRealTime = (row: Reading) => !flags(row.serve).includes('--control');
const ORDER = [...READINGS.filter(waitsInRealTime), ...READINGS.filter((row) => !waitsInRealTime(row))];

describe.concurrent.each(ORDER.filter((row) => !row.pending))('$name (serve $serve)', (row) => {
  const strictSecurity = row.findings === undefined;

  test(`the gate passes${strictSecurity ? ' with --strict-security' : ', its only findings the reading itself'}`, async () => {
    const run = await gateAgainst(flags(row.serve), { scratch, pacts, strictSecurity, sessions });
    results.set(row.name, { ...results.get(row.name), pass: run });
    expect(
      run.failed.filter((failure) => !row.findings?.some((id) => failure.startsWith(`${id}:`))),
      `failed checks`,
    ).toEqual([]);
    expect(run.findings.sort(), 'findings').toEqual([...(row.findings ?? [])].sort());
    expect(run.exitCode).toBe(0);
  });

  test(`the checks that catch ${row.defect} fail against it, and so would the gate`, async () => {
    // Strict unless the reading is a finding by itself, which would fail a strict run without the defect.
    const run = await scenariosAgainst(flags(row.serve), row.defect, {
      scratch,
      pacts,
      strictSecurity,
      sessions,
    });
    results.set(row.name, { ...results.get(row.name), broken: run });
    expect(run.exitCode, `no check caught ${row.defect}`).toBe(1);
  });
});

for (const row of READINGS.filter((row) => row.pending)) {
  test.todo(`${row.name} (serve ${row.serve}) waits for branch ${row.pending}`);
}
