/**
 * Runs never overwrite each other blindly: each run gets its own folder,
 * `reports/runs/<time>-<target>/`, with its own summary.json, summary.md, junit files and
 * index.html — and only its own probe and load results. The reports root then shows the latest
 * run plus a history table of the earlier ones, read back from their folders.
 */
import { copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { redactText } from '../redact/index.ts';
import { writeFileAtomic } from './atomic.ts';
import type { ProbeResult } from './inputs.ts';
import { mergeLayers } from './merge.ts';
import type { CheckResult, GateReport, RunEntry, RunKind, Threshold } from './types.ts';
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
  /** Redacted trace lines per check id; a failed check's are written beside the run and linked. */
  traces?: ReadonlyMap<string, readonly string[]>;
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

export async function writeRun(report: GateReport, options: WriteRunOptions): Promise<WrittenRun> {
  let gate = report;
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
  gate = await writeTraces(gate, runDir, options.traces);

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

async function writeTraces(
  gate: GateReport,
  runDir: string,
  traces: ReadonlyMap<string, readonly string[]> | undefined,
): Promise<GateReport> {
  if (!traces || traces.size === 0) return gate;
  const layers = [];
  for (const layer of gate.layers) {
    const checks = [];
    for (const check of layer.checks) {
      const lines = traces.get(check.id);
      if (check.status !== 'failed' || !lines?.length) {
        checks.push(check);
        continue;
      }
      const trace = posix.join('traces', `${check.id}.log`);
      // Trace lines were redacted as they were written; once more, as every report file is.
      await writeFileAtomic(join(runDir, trace), redactText(`${lines.join('\n')}\n`));
      checks.push({ ...check, trace });
    }
    layers.push({ ...layer, checks });
  }
  return { ...gate, layers };
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
  return loadRunReport([check], run);
}

/** A probe or k6 run as a report of one load layer; verdict and counts as the gate computes them. */
function loadRunReport(
  checks: CheckResult[],
  run: { target: { name: string; baseUrl: string }; startedAt: string; durationMs: number },
): GateReport {
  const { target, startedAt, durationMs } = run;
  return mergeLayers([{ layer: 'load', target, startedAt, durationMs, checks }], {
    strictSecurity: false,
    target,
    startedAt,
    durationMs,
  });
}

/** The reports root a command's own report folder belongs to: `reports/load` → `reports`. */
export function reportsRootOf(reportDir: string): string {
  return posix.basename(reportDir.replace(/\\/g, '/')) === 'load' ? join(reportDir, '..') : reportDir;
}

/**
 * A k6 run as a run of its own: one load-layer check per threshold (its value and expression as
 * the reason when it failed), read from the files this run wrote.
 */
export function loadReport(
  thresholds: readonly Threshold[],
  run: { target: { name: string; baseUrl: string }; startedAt: string; durationMs: number; exitCode: number },
): GateReport {
  const checks: CheckResult[] = thresholds.map((t) => ({
    layer: 'load',
    id: `load.${t.run}.${t.metric}`.replace(/[^a-zA-Z0-9.:{}_-]+/g, '-'),
    rule: `${t.metric} ${t.expression} (${t.run})`,
    kind: 'behaviour',
    status: t.ok ? 'passed' : 'failed',
    durationMs: 0,
    ...(t.ok
      ? {}
      : { reason: `${t.metric} was ${t.value ?? 'not measured'}; the threshold is ${t.expression}` }),
  }));
  if (checks.length === 0) {
    checks.push({
      layer: 'load',
      id: 'load.run',
      rule: 'The k6 run ends with its thresholds held',
      kind: 'behaviour',
      status: run.exitCode === 0 ? 'passed' : 'failed',
      durationMs: run.durationMs,
      ...(run.exitCode === 0
        ? {}
        : { reason: `k6 ended with exit ${run.exitCode} and wrote no thresholds file` }),
    });
  }
  return { ...loadRunReport(checks, run), thresholds: [...thresholds] };
}

/** The files a k6 run left in `loadDir` since `sinceMs`: its summaries and thresholds. */
export async function loadFilesSince(loadDir: string, sinceMs: number): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(loadDir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of names.filter((n) => n.endsWith('-summary.json') || n.endsWith('-thresholds.json'))) {
    const file = join(loadDir, name);
    if ((await stat(file)).mtimeMs >= sinceMs) files.push(file);
  }
  return files;
}
