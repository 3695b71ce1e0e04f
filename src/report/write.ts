/**
 * Writes everything under reports/ that people and CI read after a gate run. Every input passes
 * through src/redact twice: once as data (by key and shape), and once more as the rendered text,
 * so a secret that slipped into a free-text reason is still caught by value or shape.
 */
import { appendFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { redactText, redactValue } from '../redact/index.ts';
import { writeFileAtomic } from './atomic.ts';
import { fillAssetSlots, loadPageAssets, type PageData, renderHtml } from './html.ts';
import {
  type InputNote,
  type LatencyRow,
  latencyRows,
  type ProbeResult,
  readLoadSummaries,
  readPacts,
  readProbe,
  readThresholds,
  toProbe,
  windowStartMs,
} from './inputs.ts';
import { JUNIT_MARK, renderJUnit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import type { GateReport, RunEntry } from './types.ts';

export interface WriteReportsOptions {
  /** Root of the reports; default `reports`. */
  dir?: string;
  /** Pact files to list; default `<dir>/pacts`. */
  pactDir?: string;
  /** The probe result, or the file holding it; default `<dir>/load/rate-limit-probe.json`. */
  probe?: ProbeResult | string;
  /** k6 summaries, or the folder of `*-summary.json` files; default `<dir>/load`. */
  load?: string | { run: string; summary: unknown }[];
  /** A file to append summary.md to; the CLI passes `$GITHUB_STEP_SUMMARY`. */
  githubStepSummary?: string;
  /** The time the page says it was generated; default now. */
  now?: Date;
  /** Earlier runs for the history table and trend chart, newest first (the reports root only). */
  history?: RunEntry[];
}

export interface WrittenReports {
  /** Every file written or rewritten, absolute or relative as `dir` was given. */
  files: string[];
  /** Inputs that were missing or unreadable; the page shows them too. */
  notes: InputNote[];
}

export async function writeReports(
  gate: GateReport,
  options: WriteReportsOptions = {},
): Promise<WrittenReports> {
  const dir = options.dir ?? 'reports';
  const notes: InputNote[] = [];
  const loadSource = options.load ?? join(dir, 'load');
  const thresholds = typeof loadSource === 'string' ? await readThresholds(loadSource, notes) : [];
  const report = redactValue({
    ...gate,
    ...(thresholds.length > 0 ? { thresholds } : {}),
    ...(options.history ? { history: options.history } : {}),
  }) as GateReport;
  const files: string[] = [];
  const write = async (file: string, content: string) => {
    await writeFileAtomic(file, redactText(content));
    files.push(file);
  };

  await write(join(dir, 'summary.json'), `${JSON.stringify(report, null, 2)}\n`);

  const markdown = redactText(renderMarkdown(report));
  await write(join(dir, 'summary.md'), markdown);
  if (options.githubStepSummary) await appendFile(options.githubStepSummary, `${markdown}\n`);

  for (const layer of report.layers) {
    const file = join(dir, layer.layer, 'junit.xml');
    if (await layerWroteOwn(file, report)) {
      if (await scrubInPlace(file)) files.push(file);
    } else {
      await write(file, renderJUnit(layer, { strictSecurity: report.strictSecurity }));
    }
  }

  const pacts = await readPacts(options.pactDir ?? join(dir, 'pacts'), notes);
  const probe = await probeFrom(options.probe ?? join(dir, 'load', 'rate-limit-probe.json'), notes);
  const data: PageData = {
    gate: report,
    pacts,
    probe,
    probeWindowStartMs: probe ? windowStartMs(probe) : null,
    latency: await latencyFrom(loadSource, notes),
    notes,
    generatedAt: (options.now ?? new Date()).toISOString(),
  };
  const page = redactText(renderHtml(redactValue(data) as PageData));
  const indexFile = join(dir, 'index.html');
  await writeFileAtomic(indexFile, fillAssetSlots(page, await loadPageAssets()));
  files.push(indexFile);
  return { files, notes: redactValue(notes) as InputNote[] };
}

/**
 * A layer may write its own JUnit (vitest's reporter does, with stack traces). Only a file from
 * this run counts: one older than the gate's start is left over from a previous run, and one
 * carrying our mark was written by us.
 */
async function layerWroteOwn(file: string, gate: GateReport): Promise<boolean> {
  const started = Date.parse(gate.startedAt);
  try {
    const { mtimeMs } = await stat(file);
    if (Number.isNaN(started) || mtimeMs < started) return false;
    return !(await readFile(file, 'utf8')).includes(JUNIT_MARK);
  } catch {
    return false;
  }
}

// A layer's own file never went through our writer; redact it like everything else here.
async function scrubInPlace(file: string): Promise<boolean> {
  const original = await readFile(file, 'utf8');
  const scrubbed = redactText(original);
  if (scrubbed === original) return false;
  await writeFileAtomic(file, scrubbed);
  return true;
}

async function probeFrom(source: ProbeResult | string, notes: InputNote[]): Promise<ProbeResult | undefined> {
  if (typeof source === 'string') return readProbe(source, notes);
  try {
    return toProbe(source);
  } catch (error) {
    notes.push({ input: 'probe', message: `the probe result was left out: ${(error as Error).message}` });
    return undefined;
  }
}

async function latencyFrom(
  source: string | { run: string; summary: unknown }[],
  notes: InputNote[],
): Promise<LatencyRow[]> {
  if (typeof source === 'string') return readLoadSummaries(source, notes);
  const rows: LatencyRow[] = [];
  for (const { run, summary } of source) {
    try {
      rows.push(...latencyRows(run, summary));
    } catch (error) {
      notes.push({
        input: 'load',
        message: `the k6 summary of ${run} was left out: ${(error as Error).message}`,
      });
    }
  }
  if (rows.length === 0)
    notes.push({ input: 'load', message: 'the k6 summaries hold no per-endpoint latencies' });
  return rows;
}
