/**
 * Runs the scenarios project through vitest's node API, as `facilioo-auth scenarios` does: the
 * target is resolved here (so a bad target file is a configuration error before any test runs)
 * and provided to the test files; vitest prints the results and writes JUnit, the summary
 * reporter writes summary.json, and the exit code is computed from that summary with the
 * gate's rule — contract/behaviour failures fail the run, security findings only when strict.
 */
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { beforeRun } from '../preflight/index.ts';
import { failsRun, isFinding, type LayerReport } from '../report/types.ts';
import { type Env, resolveTarget } from '../target/index.ts';
import { ALL_CHECKS } from './checks/index.ts';
import { SCENARIO_REPORT_DIR, ScenarioSummaryReporter } from './reporter.ts';
import { selectChecks } from './select.ts';
import type { ScenarioRequest } from './vitest-types.ts';

/** The package root, where vitest.config.ts and scenarios/ live, wherever the CLI is started from. */
export const PACKAGE_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface ScenarioCommandOptions {
  target?: string | undefined;
  only?: string[] | undefined;
  strictSecurity?: boolean;
  trace?: boolean;
  /** Where summary.json and junit.xml go; default reports/scenarios under the working directory. */
  reportDir?: string;
  env: Env;
  allowProduction?: boolean;
  allowDestructive?: boolean;
  /** Where vitest's own output goes; default this process's stdout. */
  stdout?: Writable;
}

export interface ScenarioCommandResult {
  exitCode: 0 | 1;
  report: LayerReport | undefined;
  summaryFile: string;
  junitFile: string;
}

/** One line per failing check, findings marked; what the user reads after vitest's own output. */
export function verdictLines(report: LayerReport, strictSecurity: boolean): string[] {
  const lines: string[] = [];
  for (const check of report.checks) {
    if (check.status !== 'failed') continue;
    const label = isFinding(check)
      ? `finding (${check.severity ?? 'unrated'}${strictSecurity ? ', gating' : ', not gating'})`
      : 'FAILED';
    lines.push(`${label}: [${check.id}] ${check.reason ?? check.rule}`);
  }
  return lines;
}

export async function runScenarioCommand(options: ScenarioCommandOptions): Promise<ScenarioCommandResult> {
  const selected = selectChecks(ALL_CHECKS, options.only);
  const reportDir = resolve(options.reportDir ?? SCENARIO_REPORT_DIR);
  const summaryFile = resolve(reportDir, 'summary.json');
  const junitFile = resolve(reportDir, 'junit.xml');
  const resolved = await resolveTarget({ file: options.target, env: options.env });
  try {
    const { skipDestructive } = await beforeRun(resolved.target, {
      command: 'scenarios',
      allowProduction: options.allowProduction ?? false,
      allowDestructive: options.allowDestructive ?? false,
    });
    const request: ScenarioRequest = {
      target: resolved.target,
      trace: options.trace ?? false,
      progress: true,
      ...(skipDestructive ? { skipDestructive } : {}),
      ...(options.only?.length ? { only: selected.map((check) => check.id) } : {}),
    };
    const flows = [...new Set(selected.map((check) => check.flow))];
    const files = options.only?.length ? flows.map((flow) => `scenarios/${flow}.test.ts`) : [];
    const summary = new ScenarioSummaryReporter({ outputFile: summaryFile });
    const { startVitest } = await import('vitest/node');
    const vitest = await startVitest(
      'test',
      files,
      {
        root: PACKAGE_ROOT,
        project: ['scenarios'],
        run: true,
        watch: false,
        provide: { scenarios: request },
        reporters: ['default', ['junit', { outputFile: junitFile, includeConsoleOutput: false }], summary],
        // Trace lines go straight to the terminal, in order, instead of being buffered per test.
        disableConsoleIntercept: options.trace ?? false,
        passWithNoTests: false,
      },
      {},
      options.stdout ? { stdout: options.stdout } : {},
    );
    await vitest.close();
    const report = summary.report;
    if (!report) {
      // vitest stopped before any test ran (a config or startup problem it has already printed).
      return { exitCode: 1, report, summaryFile, junitFile };
    }
    const strict = options.strictSecurity ?? false;
    const failed = report.checks.some((check) => failsRun(check, strict));
    return { exitCode: failed ? 1 : 0, report, summaryFile, junitFile };
  } finally {
    await resolved.close();
  }
}

/** `--list`: id, kind, and rule of every check, for people choosing `--only`. */
export function listChecks(): string[] {
  const width = Math.max(...ALL_CHECKS.map((check) => check.id.length));
  return ALL_CHECKS.map(
    (check) =>
      `${check.id.padEnd(width)}  ${(check.kind === 'security' ? `security/${check.severity}` : 'behaviour').padEnd(17)}  ${check.rule}`,
  );
}
