/**
 * `facilioo-auth check-target`: what a QA engineer runs before pointing the suite at an
 * environment. It validates the target file exactly as every command does (exit 2 naming the
 * field), then says what the suite will do with it: the accounts and services it found (no
 * secret printed) and which scenario checks will be skipped, and why.
 */
import { ConfigError } from '../errors.ts';
import { preflight } from '../preflight/index.ts';
import { ALL_CHECKS } from '../scenarios/checks/index.ts';
import { loadTarget, missing } from '../target/index.ts';
import type { RegisterCommand } from './main.ts';

export const register: RegisterCommand = (program) => {
  program
    .command('check-target')
    .description('Validate a target file and list what the suite can and cannot check against it')
    .argument('[file]', 'target file (default: --target, else FACILIOO_TARGET)')
    .option('--target <file>', 'target file, as every other command takes it')
    .option(
      '--probe',
      'also run the preflight every command runs first: reachable, JSON on the auth routes, one login accepted',
      false,
    )
    .action(async (file: string | undefined, flags: { target?: string; probe: boolean }) => {
      if (file && flags.target && file !== flags.target) {
        throw new ConfigError(`two target files named: ${file} and --target ${flags.target}`, {
          where: 'check-target',
          hint: 'name one of them',
        });
      }
      const source = file ?? flags.target ?? process.env.FACILIOO_TARGET;
      if (!source) {
        throw new ConfigError('no target file named', {
          where: 'check-target',
          hint: 'name a target file (or set FACILIOO_TARGET); examples/targets/ has templates',
        });
      }
      const target = loadTarget(source, process.env);
      const accounts = Object.entries(target.accounts).map(
        ([slot, account]) => `${slot} (${account?.email})`,
      );
      const skipped = ALL_CHECKS.flatMap((check) => {
        const reason = missing(target, ...check.needs);
        return reason ? [`  – ${check.id}: ${reason}`] : [];
      });
      const lines = [
        `target "${target.name}" from ${target.source} is valid`,
        `  base URL      ${target.baseUrl}`,
        `  accounts      ${accounts.length > 0 ? accounts.join(', ') : 'none'}`,
        `  mailbox       ${target.mailbox ? target.mailbox.url : 'none — recovery checks will be skipped'}`,
        `  clock control ${target.control ?? 'none — expiry waits for real time, the 24-hour check is skipped'}`,
        `  public keys   ${target.jwt.publicKeys.length > 0 ? target.jwt.publicKeys.join(', ') : 'none — signature checks will be skipped'}`,
        `  options       ${JSON.stringify(target.options)}`,
        '',
        skipped.length === 0
          ? `all ${ALL_CHECKS.length} scenario checks can run`
          : `${ALL_CHECKS.length - skipped.length} of ${ALL_CHECKS.length} scenario checks can run; skipped:`,
        ...skipped,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      if (flags.probe) {
        // The very code gate, verify, scenarios, load and probe run first; a failure is exit 2.
        const result = await preflight(target);
        process.stdout.write(
          `\npreflight passed in ${result.durationMs} ms:\n${result.lines.map((line) => `  ✓ ${line}`).join('\n')}\n`,
        );
      }
    });
};
