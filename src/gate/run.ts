/**
 * The gate: consumer contracts → provider verification → scenarios, against one target (the
 * embedded reference API when none is named), merged into one verdict and one set of reports.
 * Exit 0 when no contract or behaviour check failed (security findings fail it only under
 * --strict-security), 1 otherwise; configuration errors surface as ConfigError (exit 2).
 */
import { join, resolve } from 'node:path';
import { beforeRun } from '../preflight/index.ts';
import { redactValue } from '../redact/index.ts';
import { writeFileAtomic } from '../report/atomic.ts';
import { mergeLayers, writeRun } from '../report/index.ts';
import type { CheckResult, GateReport, LayerReport } from '../report/types.ts';
import { ALL_CHECKS } from '../scenarios/checks/index.ts';
import { runChecks } from '../scenarios/runner.ts';
import { type Env, readingsOf, resolveTarget } from '../target/index.ts';
import { type VerificationEvent, verifyPacts } from '../verify/index.ts';
import type { VerificationSession } from '../verify/session.ts';
import { runContracts } from './contracts.ts';
import { announceWait, type Progress, showVerification } from './progress.ts';

export interface GateOptions {
  target?: string | undefined;
  env: Env;
  strictSecurity: boolean;
  reportDir?: string;
  /**
   * Verify the pacts in this folder instead of running the consumer contracts first (pacts from
   * a CI artifact or an earlier run). The contracts layer is then reported as skipped.
   */
  pactDir?: string | undefined;
  progress: Progress;
  /** `$GITHUB_STEP_SUMMARY`, passed in by the CLI (only src/target reads the environment). */
  githubStepSummary?: string | undefined;
  allowProduction?: boolean;
  allowDestructive?: boolean;
  /** A verification worker kept across gate runs (starting one costs seconds); default: one per run. */
  verificationSession?: VerificationSession | undefined;
}

export interface GateResult {
  exitCode: 0 | 1;
  report: GateReport;
  files: string[];
}

const LAYERS = 3;

export async function runGate(options: GateOptions): Promise<GateResult> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const reportDir = resolve(options.reportDir ?? 'reports');
  const { progress } = options;
  // Resolve first: a bad target file is a configuration error before anything runs.
  const resolved = await resolveTarget({ file: options.target, env: options.env });
  const { target } = resolved;
  const layers: LayerReport[] = [];
  const traces = new Map<string, string[]>();
  try {
    // Before any layer and before reports/ is touched: a refused or unreachable target is exit 2.
    const { skipDestructive } = await beforeRun(target, {
      command: 'gate',
      allowProduction: options.allowProduction ?? false,
      allowDestructive: options.allowDestructive ?? false,
      log: (line) => progress.line(line),
    });
    progress.line(`gate: target "${target.name}" at ${target.baseUrl}`);

    // The contracts write into this run's own report folder, so parallel gates stay apart.
    const pactDir = options.pactDir ?? join(reportDir, 'pacts');
    if (options.pactDir === undefined) {
      progress.layer('contracts', 1, LAYERS, 'consumer tests against the Pact mock server');
      let contractOutput = '';
      const contracts = await runContracts({
        reportDir,
        readings: readingsOf(target),
        pactDir,
        onOutput: (text) => {
          contractOutput = text;
        },
      });
      report(progress, contracts.checks);
      if (contracts.checks.some((check) => check.status === 'failed')) progress.line(tail(contractOutput));
      layers.push(contracts);
    } else {
      progress.layer('contracts', 1, LAYERS, `not run: verifying the pacts in ${options.pactDir}`);
    }

    progress.layer('verification', 2, LAYERS, 'the pacts replayed against the target');
    const verification = await verifyOrFail(
      target,
      reportDir,
      pactDir,
      skipDestructive,
      options.verificationSession,
      (event) => showVerification(progress, event),
    );
    report(progress, verification.checks);
    layers.push(verification);

    // The run adds one verdict of its own (the target left as found): counted like any check.
    const scenarioTotal = ALL_CHECKS.length + 1;
    progress.layer('scenarios', 3, LAYERS, `${scenarioTotal} behaviour and security checks`);
    const scenarioStarted = Date.now();
    let done = 0;
    const checks = await runChecks(target, {
      onResult: (result) => progress.check(result, ++done, scenarioTotal),
      trace: (line) => {
        announceWait(progress, line);
        keepTrace(traces, line);
      },
      skipDestructive,
    });
    const cleanup = checks.at(-1);
    if (cleanup) progress.check(cleanup, ++done, scenarioTotal);
    layers.push({
      layer: 'scenarios',
      target: { name: target.name, baseUrl: target.baseUrl },
      startedAt: new Date(scenarioStarted).toISOString(),
      durationMs: Date.now() - scenarioStarted,
      checks,
    });
  } finally {
    progress.end();
    await resolved.close();
  }

  // Each layer's own summary, as the layer commands write it (verification writes its own).
  for (const layer of layers.filter((l) => l.layer !== 'verification')) {
    await writeFileAtomic(
      join(reportDir, layer.layer, 'summary.json'),
      `${JSON.stringify(redactValue(layer), null, 2)}\n`,
    );
  }
  const pactDir = options.pactDir ?? join(reportDir, 'pacts');
  const gate = mergeLayers(layers, {
    strictSecurity: options.strictSecurity,
    target: { name: target.name, baseUrl: target.baseUrl },
    startedAt,
    durationMs: Date.now() - started,
  });
  const written = await writeRun(gate, {
    dir: reportDir,
    kind: 'gate',
    pactDir,
    traces,
    ...(options.githubStepSummary ? { githubStepSummary: options.githubStepSummary } : {}),
  });
  return { exitCode: gate.verdict === 'fail' ? 1 : 0, report: gate, files: written.files };
}

/** Verification never throws the gate off course: a run that cannot start is one failed check. */
async function verifyOrFail(
  target: Parameters<typeof verifyPacts>[0]['target'],
  reportDir: string,
  pactDir: string,
  skipDestructive: string | undefined,
  session: VerificationSession | undefined,
  onProgress: (event: VerificationEvent) => void,
): Promise<LayerReport> {
  const started = Date.now();
  try {
    const result = await verifyPacts({
      target,
      reportDir: resolve(reportDir, 'verification'),
      pactDir,
      skipDestructive,
      onProgress,
      ...(session === undefined ? {} : { session }),
    });
    return result.report;
  } catch (error) {
    return {
      layer: 'verification',
      target: { name: target.name, baseUrl: target.baseUrl },
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      checks: [
        {
          layer: 'verification',
          id: 'verification.run',
          rule: 'The pacts are replayed against the target',
          kind: 'contract',
          status: 'failed',
          durationMs: Date.now() - started,
          reason: error instanceof Error ? error.message : String(error),
        },
      ],
    };
  }
}

function report(progress: Progress, checks: CheckResult[]): void {
  checks.forEach((check, index) => {
    progress.check(check, index + 1, checks.length);
  });
}

const TRACE_OWNER = /^\[([^\] ]+)/;
// Kept per check, for the failed checks' trace files; bounded so a chatty check cannot fill memory.
function keepTrace(traces: Map<string, string[]>, line: string): void {
  const id = TRACE_OWNER.exec(line)?.[1];
  if (!id) return;
  const lines = traces.get(id) ?? [];
  if (lines.length < 500) lines.push(line);
  traces.set(id, lines);
}

function tail(text: string, lines = 30): string {
  return text.split('\n').slice(-lines).join('\n');
}
