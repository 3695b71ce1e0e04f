/**
 * `facilioo-auth scenarios`: the behaviour and security checks against a target, with vitest
 * underneath. Exit 0 when every behaviour check passed (security findings are listed, and fail
 * the run only with --strict-security), 1 when one failed, 2 for configuration errors.
 */
import { GUARD_FLAGS } from '../preflight/index.ts';
import { countChecks } from '../report/index.ts';
import { listChecks, runScenarioCommand, verdictLines } from '../scenarios/run-vitest.ts';
import type { RegisterCommand } from './main.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

export const register: RegisterCommand = (program, setExitCode) => {
  program
    .command('scenarios')
    .description(
      'Run the scenario checks (refresh, expiry, lockout, unblock, forged tokens, ...) against a target',
    )
    .option('--target <file>', 'target file (default: FACILIOO_TARGET, else the embedded reference API)')
    .option('--only <check-id>', 'run only this check; repeat for more (see --list)', collect, [])
    .option('--strict-security', 'let security findings fail the run', false)
    .option('--trace', 'print every HTTP exchange, redacted', false)
    .option('--list', 'list the checks and exit', false)
    .option('--report-dir <dir>', 'where summary.json and junit.xml go', 'reports/scenarios')
    .option(...GUARD_FLAGS.allowProduction, false)
    .option(...GUARD_FLAGS.allowDestructive, false)
    .action(
      async (options: {
        target?: string;
        only: string[];
        strictSecurity: boolean;
        trace: boolean;
        list: boolean;
        reportDir: string;
        allowProduction: boolean;
        allowDestructive: boolean;
      }) => {
        if (options.list) {
          process.stdout.write(`${listChecks().join('\n')}\n`);
          return;
        }
        const result = await runScenarioCommand({
          target: options.target,
          only: options.only,
          strictSecurity: options.strictSecurity,
          trace: options.trace,
          reportDir: options.reportDir,
          env: process.env,
          allowProduction: options.allowProduction,
          allowDestructive: options.allowDestructive,
        });
        if (result.report) {
          const lines = verdictLines(result.report, options.strictSecurity);
          if (lines.length > 0) process.stdout.write(`\n${lines.join('\n')}\n`);
          // vitest counts tests; this counts what summary.json holds, the run's own verdict included.
          const c = countChecks(result.report.checks);
          process.stdout.write(
            `\nchecks: ${c.passed} passed · ${c.failed} failed · ${c.skipped} skipped · ${c.findings} findings (as in summary.json)\n`,
          );
        }
        process.stdout.write(
          `\nscenarios: exit ${result.exitCode} — ${result.summaryFile}, ${result.junitFile}\n`,
        );
        setExitCode(result.exitCode);
      },
    );
};
