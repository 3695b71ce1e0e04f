/**
 * `facilioo-auth gate`: the main job. Contracts, verification and scenarios against one target,
 * one verdict, one set of reports. `npm start` runs it on the embedded reference API.
 */
import { relative } from 'node:path';
import { createProgress } from '../gate/progress.ts';
import { runGate } from '../gate/run.ts';
import { GUARD_FLAGS } from '../preflight/index.ts';
import { verdictLine } from '../report/index.ts';
import type { RegisterCommand } from './main.ts';

export const register: RegisterCommand = (program, setExitCode) => {
  program
    .command('gate')
    .description('Run contracts, provider verification and scenarios against a target; one verdict')
    .option('--target <file>', 'target file (default: FACILIOO_TARGET, else the embedded reference API)')
    .option('--strict-security', 'let security findings fail the run', false)
    .option('--report-dir <dir>', 'where reports are written', 'reports')
    .option('--pacts <dir>', 'verify the pacts in this folder instead of running the consumer contracts')
    .option(...GUARD_FLAGS.allowProduction, false)
    .option(...GUARD_FLAGS.allowDestructive, false)
    .action(
      async (options: {
        target?: string;
        strictSecurity: boolean;
        reportDir: string;
        pacts?: string;
        allowProduction: boolean;
        allowDestructive: boolean;
      }) => {
        const result = await runGate({
          target: options.target,
          env: process.env,
          strictSecurity: options.strictSecurity,
          reportDir: options.reportDir,
          pactDir: options.pacts,
          progress: createProgress(process.stdout),
          githubStepSummary: process.env.GITHUB_STEP_SUMMARY,
          allowProduction: options.allowProduction,
          allowDestructive: options.allowDestructive,
        });
        const { counts } = result.report;
        const index = result.files.filter((file) => file.endsWith('index.html')).at(-1);
        process.stdout.write(
          [
            '',
            verdictLine(result.report),
            `checks: ${counts.passed} passed · ${counts.failed} failed · ${counts.skipped} skipped · ${counts.findings} findings`,
            index ? `report: ${relative(process.cwd(), index)} (open it in a browser)` : '',
            '',
          ].join('\n'),
        );
        setExitCode(result.exitCode);
      },
    );
};
