/**
 * `facilioo-auth verify [--target FILE] [--pacts DIR] [--from-broker]`: replays the consumer
 * pacts against a target — the embedded reference API by default, or any deployment a target
 * file describes — and prints one line per interaction. Exit 0 when every interaction held,
 * 1 when one failed, 2 for configuration errors.
 *
 * With no pacts in reports/pacts yet, it writes them first by running the consumer contracts,
 * so `verify` alone always checks the contracts of this checkout. A folder named with --pacts
 * must already hold pact files.
 */

import { ConfigError } from '../errors.ts';
import { createProgress, showVerification } from '../gate/progress.ts';
import { PACT_DIR } from '../pact/pact-files.ts';
import { beforeRun, GUARD_FLAGS } from '../preflight/index.ts';
import type { CheckResult } from '../report/types.ts';
import { readingsOf, resolveTarget } from '../target/index.ts';
import { brokerConfig, buildInfo } from '../verify/broker.ts';
import { listPactFiles } from '../verify/pacts.ts';
import { DEFAULT_REPORT_DIR, type VerifyPactsOptions, verifyPacts } from '../verify/verify.ts';
import { ensurePacts } from '../verify/write-pacts.ts';
import type { RegisterCommand } from './main.ts';

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

interface VerifyFlags {
  target?: string;
  pacts?: string;
  fromBroker: boolean;
  reportDir: string;
  logLevel: string;
  verbose: boolean;
  allowProduction: boolean;
  allowDestructive: boolean;
}

export function checkLine(check: CheckResult): string {
  const mark = check.status === 'passed' ? '✓' : check.status === 'failed' ? '✗' : '-';
  const why =
    check.status === 'passed'
      ? ''
      : `\n    ${check.status === 'skipped' ? 'skipped: ' : ''}${check.reason ?? ''}`;
  return `${mark} ${check.id}${why}`;
}

export const register: RegisterCommand = (program, setExitCode) => {
  program
    .command('verify')
    .description('Verify the consumer pacts against a target (provider verification with Pact)')
    .option('--target <file>', 'target file (default: FACILIOO_TARGET, else the embedded reference API)')
    .option('--pacts <dir>', 'folder of pact files (default: reports/pacts, written first if empty)')
    .option(
      '--from-broker',
      "verify the Pact Broker's pacts (PACT_BROKER_BASE_URL); results are published when CI=true",
      false,
    )
    .option('--report-dir <dir>', 'where summary.json, junit.xml and verifier.log go', DEFAULT_REPORT_DIR)
    .option('--log-level <level>', `Pact log level: ${LOG_LEVELS.join(', ')}`, 'warn')
    .option('--verbose', "print the verifier's own output (redacted)", false)
    .option(...GUARD_FLAGS.allowProduction, false)
    .option(...GUARD_FLAGS.allowDestructive, false)
    .action(async (flags: VerifyFlags) => {
      const logLevel = flags.logLevel as (typeof LOG_LEVELS)[number];
      if (!LOG_LEVELS.includes(logLevel)) {
        throw new ConfigError(`unknown log level "${flags.logLevel}"`, {
          where: '--log-level',
          hint: `use one of ${LOG_LEVELS.join(', ')}`,
        });
      }
      const env = process.env;
      const options: Omit<VerifyPactsOptions, 'target'> = { reportDir: flags.reportDir, logLevel };
      if (flags.verbose) options.onOutput = (text) => process.stderr.write(text);

      if (flags.fromBroker) {
        const broker = brokerConfig(env);
        if (!broker) {
          throw new ConfigError('--from-broker needs a Pact Broker', {
            where: 'PACT_BROKER_BASE_URL',
            hint: 'set PACT_BROKER_BASE_URL (and PACT_BROKER_TOKEN), or verify the local pacts without --from-broker',
          });
        }
        const build = await buildInfo(env, process.cwd());
        options.broker = {
          ...broker,
          providerVersion: build.version,
          publish: build.ci,
          ...(build.branch ? { branch: build.branch } : {}),
        };
        process.stderr.write(
          `verify: pacts from ${broker.url}; results ${build.ci ? 'are published' : 'are not published (CI is not "true")'}\n`,
        );
      } else if (flags.pacts) {
        // Before a reference API starts: a wrong folder is the quickest thing to tell.
        if ((await listPactFiles(flags.pacts)).length === 0) {
          throw new ConfigError('no pact files (*.json) in this folder', {
            where: flags.pacts,
            hint: 'write them with `npx vitest run --project contracts`, or leave out --pacts to use reports/pacts',
          });
        }
        options.pactDir = flags.pacts;
      }

      const resolved = await resolveTarget({ file: flags.target, env });
      try {
        const { skipDestructive } = await beforeRun(resolved.target, {
          command: 'verify',
          allowProduction: flags.allowProduction,
          allowDestructive: flags.allowDestructive,
          log: (line) => process.stderr.write(`verify: ${line}\n`),
        });
        if (!flags.fromBroker && !flags.pacts && (await listPactFiles(PACT_DIR)).length === 0) {
          process.stderr.write(
            'verify: no pacts in reports/pacts yet; writing them for this target first (npx vitest run --project contracts)\n',
          );
          await ensurePacts((text) => process.stderr.write(text), readingsOf(resolved.target));
        }
        // On stderr, like every line before the result: stdout holds the one line per check.
        const progress = createProgress(process.stderr);
        progress.layer(
          'verification',
          1,
          1,
          `target "${resolved.target.name}" at ${resolved.target.baseUrl}`,
        );
        const result = await verifyPacts({
          ...options,
          target: resolved.target,
          skipDestructive,
          onProgress: (event) => showVerification(progress, event),
        }).finally(() => progress.end());
        process.stdout.write(`${result.checks.map(checkLine).join('\n')}\n`);
        const count = (status: CheckResult['status']) =>
          result.checks.filter((check) => check.status === status).length;
        process.stdout.write(
          `\nverify: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped — exit ${result.ok ? 0 : 1}; ${result.summaryFile}, ${result.logFile}\n`,
        );
        setExitCode(result.ok ? 0 : 1);
      } finally {
        await resolved.close();
      }
    });
};
