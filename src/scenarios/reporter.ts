/**
 * A vitest reporter that writes `reports/scenarios/summary.json` (a LayerReport) from what the
 * scenario tests attached as meta. Vitest decides pass/fail; this file only says which checks
 * those were, of which kind, and why — so the CLI can apply the gate's rule (security failures
 * are findings) to the same truth vitest printed.
 */
import { join } from 'node:path';
import type { Reporter, SerializedError, TestModule, Vitest } from 'vitest/node';
import { redactText, redactValue } from '../redact/index.ts';
import { writeFileAtomic } from '../report/atomic.ts';
import type { CheckResult, LayerReport } from '../report/types.ts';
import { ALL_CHECKS } from './checks/index.ts';
import { type CheckOutcome, cleanupResult } from './runner.ts';
import type {} from './vitest-types.ts';

export const SCENARIO_REPORT_DIR = join('reports', 'scenarios');

/** A failure vitest saw outside any check (a file that did not load, an unhandled error). */
export const RUN_CHECK = {
  id: 'suite.runs',
  rule: 'Every scenario file loads and runs without errors outside the checks',
} as const;

export interface ScenarioReporterOptions {
  /** Where summary.json goes; default reports/scenarios/summary.json. */
  outputFile?: string;
}

const ID = /^\[([^\]]+)\] /;

export class ScenarioSummaryReporter implements Reporter {
  readonly outputFile: string;
  #vitest: Vitest | undefined;
  #started = new Date();
  /** Set once the report is on disk; the CLI reads it from here or from the file. */
  report: LayerReport | undefined;

  constructor(options: ScenarioReporterOptions = {}) {
    this.outputFile = options.outputFile ?? join(SCENARIO_REPORT_DIR, 'summary.json');
  }

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
    this.#started = new Date();
  }

  async onTestRunEnd(
    modules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): Promise<void> {
    const outcomes: CheckOutcome[] = [];
    const outside: string[] = unhandledErrors.map((error) => `unhandled error: ${error.message}`);
    let target: { name: string; baseUrl: string } | undefined;
    for (const module of modules) {
      if (module.project.name !== 'scenarios') continue;
      for (const error of module.errors()) outside.push(`${module.moduleId}: ${error.message}`);
      for (const test of module.children.allTests()) {
        const meta = test.meta().scenario;
        if (meta) {
          outcomes.push({ result: meta.result, cleanupFailures: meta.cleanupFailures });
          target = meta.target;
          continue;
        }
        const result = test.result();
        // A test that failed before its check could report (a broken import, a timeout).
        if (result.state === 'failed')
          outcomes.push({ result: this.#failedWithoutMeta(test.name, result.errors), cleanupFailures: [] });
      }
    }
    const order = new Map(ALL_CHECKS.map((check, index) => [check.id, index]));
    outcomes.sort((a, b) => (order.get(a.result.id) ?? 1e9) - (order.get(b.result.id) ?? 1e9));
    const checks: CheckResult[] = [...outcomes.map((outcome) => outcome.result), cleanupResult(outcomes)];
    if (outside.length > 0) {
      checks.push({
        layer: 'scenarios',
        ...RUN_CHECK,
        kind: 'behaviour',
        status: 'failed',
        durationMs: 0,
        reason: redactText(outside.join('; ')),
      });
    }
    const provided = this.#vitest?.projects
      .find((project) => project.name === 'scenarios')
      ?.getProvidedContext();
    const providedTarget = provided?.scenarios?.target;
    this.report = redactValue({
      layer: 'scenarios',
      target:
        target ??
        (providedTarget
          ? { name: providedTarget.name, baseUrl: providedTarget.baseUrl }
          : { name: 'unknown', baseUrl: '' }),
      startedAt: this.#started.toISOString(),
      durationMs: Date.now() - this.#started.getTime(),
      checks,
    } satisfies LayerReport) as LayerReport;
    await writeFileAtomic(this.outputFile, `${JSON.stringify(this.report, null, 2)}\n`);
  }

  #failedWithoutMeta(name: string, errors: ReadonlyArray<{ message: string }>): CheckResult {
    const id = ID.exec(name)?.[1] ?? name;
    const check = ALL_CHECKS.find((candidate) => candidate.id === id);
    return {
      layer: 'scenarios',
      id,
      rule: check?.rule ?? name,
      kind: check?.kind ?? 'behaviour',
      status: 'failed',
      durationMs: 0,
      reason: redactText(errors.map((error) => error.message).join('; ') || 'failed without a reason'),
      ...(check?.severity ? { severity: check.severity } : {}),
      ...(check?.references ? { references: check.references } : {}),
    };
  }
}

export default ScenarioSummaryReporter;
