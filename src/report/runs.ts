/**
 * Runs never overwrite each other blindly: each run gets its own folder,
 * `reports/runs/<time>-<target>/`, with its own summary.json, summary.md, junit files and
 * index.html — and only its own probe and load results. The reports root then shows the latest
 * run plus a history table of the earlier ones, read back from their folders.
 */
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { writeFileAtomic } from './atomic.ts';
import type { ProbeResult } from './inputs.ts';
import type { GateReport, RunEntry, RunKind } from './types.ts';
import { type WrittenReports, writeReports } from './write.ts';

export const RUNS_DIR = 'runs';
/** How many earlier runs the root page lists; older folders stay on disk. */
export const HISTORY_LIMIT = 50;

export interface WriteRunOptions {
  /** The reports root; default `reports`. */
  dir?: string;
  kind: RunKind;
  pactDir?: string;
  /** This run's probe result, copied into the run's folder. */
  probe?: ProbeResult;
  /** This run's k6 files (`<script>-summary.json`, `<script>-thresholds.json`), copied into it. */
  loadFiles?: string[];
  githubStepSummary?: string;
  now?: Date;
}

export interface WrittenRun extends WrittenReports {
  runDir: string;
  history: RunEntry[];
}

/** `2026-12-01T01-23-45-678Z-staging`: sorts by time, safe in any file system, names the target. */
export function runId(gate: Pick<GateReport, 'startedAt' | 'target'>): string {
  const time = gate.startedAt.replace(/:/g, '-').replace('.', '-');
  const slug =
    gate.target.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'target';
  return `${time}-${slug}`;
}

export async function writeRun(gate: GateReport, options: WriteRunOptions): Promise<WrittenRun> {
  const dir = options.dir ?? 'reports';
  const id = runId(gate);
  const runDir = join(dir, RUNS_DIR, id);
  const loadDir = join(runDir, 'load');
  await mkdir(loadDir, { recursive: true });
  if (options.probe) {
    await writeFileAtomic(
      join(loadDir, 'rate-limit-probe.json'),
      `${JSON.stringify(options.probe, null, 2)}\n`,
    );
  }
  for (const file of options.loadFiles ?? []) await copyFile(file, join(loadDir, posix.basename(file)));

  const run = { id, kind: options.kind, dir: posix.join(RUNS_DIR, id) };
  const shared = {
    pactDir: options.pactDir ?? join(dir, 'pacts'),
    probe: join(loadDir, 'rate-limit-probe.json'),
    load: loadDir,
    ...(options.now ? { now: options.now } : {}),
  };
  const own = await writeReports({ ...gate, run }, { ...shared, dir: runDir });
  const history = await readHistory(dir);
  const root = await writeReports(
    { ...gate, run },
    {
      ...shared,
      dir,
      history: history.filter((entry) => entry.id !== id),
      ...(options.githubStepSummary ? { githubStepSummary: options.githubStepSummary } : {}),
    },
  );
  return { runDir, history, files: [...own.files, ...root.files], notes: root.notes };
}

/** Every run folder's summary.json, newest first; unreadable ones are left out. */
export async function readHistory(dir: string): Promise<RunEntry[]> {
  let names: string[];
  try {
    names = await readdir(join(dir, RUNS_DIR));
  } catch {
    return [];
  }
  const entries: RunEntry[] = [];
  for (const name of names.sort().reverse()) {
    if (entries.length >= HISTORY_LIMIT) break;
    try {
      const gate = JSON.parse(
        await readFile(join(dir, RUNS_DIR, name, 'summary.json'), 'utf8'),
      ) as GateReport;
      entries.push({
        id: name,
        kind: gate.run?.kind ?? 'gate',
        page: posix.join(RUNS_DIR, name, 'index.html'),
        verdict: gate.verdict,
        target: gate.target,
        startedAt: gate.startedAt,
        durationMs: gate.durationMs,
        counts: gate.counts,
      });
    } catch {
      // A run interrupted before its summary was written has nothing to show.
    }
  }
  return entries;
}

/** A probe as a run of its own: one load-layer check, the limit found or not. */
export function probeReport(
  probe: ProbeResult,
  run: { target: { name: string; baseUrl: string }; startedAt: string; durationMs: number },
): GateReport {
  const r = probe.rateLimit;
  const found = r.limit !== null;
  const check = {
    layer: 'load' as const,
    id: 'load.rate-limit-probe',
    rule: `The rate-limit probe finds the limit of ${r.endpoint} within its budget`,
    kind: 'behaviour' as const,
    status: found ? ('passed' as const) : ('failed' as const),
    durationMs: run.durationMs,
    ...(found ? {} : { reason: r.message ?? `no limit found within ${r.requestsSent} requests` }),
  };
  return {
    verdict: found ? 'pass' : 'fail',
    strictSecurity: false,
    target: run.target,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    counts: { passed: found ? 1 : 0, failed: found ? 0 : 1, skipped: 0, findings: 0 },
    layers: [
      {
        layer: 'load',
        target: run.target,
        startedAt: run.startedAt,
        durationMs: run.durationMs,
        checks: [check],
      },
    ],
  };
}

/** The reports root a command's own report folder belongs to: `reports/load` → `reports`. */
export function reportsRootOf(reportDir: string): string {
  return posix.basename(reportDir.replace(/\\/g, '/')) === 'load' ? join(reportDir, '..') : reportDir;
}
