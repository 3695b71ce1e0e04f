/**
 * `facilioo-auth check-target`: what a QA engineer runs before pointing the suite at an
 * environment. It validates the target file exactly as every command does (exit 2 naming the
 * field), then says what the suite will do with it: the accounts and services it found (no
 * secret printed) and which scenario checks will be skipped, and why. With `--discover` it also
 * asks the live target which readings of the OPEN points it takes (src/discover/) and prints the
 * lines to add to the file.
 */
import { discoverReadings, formatDiscovery } from '../discover/index.ts';
import { ConfigError } from '../errors.ts';
import { GUARD_FLAGS, guardTarget, preflight } from '../preflight/index.ts';
import { ALL_CHECKS } from '../scenarios/checks/index.ts';
import { loadTarget, missing, type Target } from '../target/index.ts';
import { integer, positive } from './flags.ts';
import type { CliContext, RegisterCommand } from './main.ts';

interface CheckTargetFlags {
  target?: string;
  probe: boolean;
  discover: boolean;
  limitProbe: boolean;
  limitProbeSeconds: string;
  limitProbeRequests: string;
  allowProduction: boolean;
  allowDestructive: boolean;
}

export const register: RegisterCommand = (program, _setExitCode, context) => {
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
    .option('--discover', 'ask the live target which readings it takes and print the lines to add', false)
    .option('--no-limit-probe', 'with --discover: leave the rate-limit probe out')
    .option('--limit-probe-seconds <n>', 'with --discover: the rate-limit probe’s time budget', '120')
    .option('--limit-probe-requests <n>', 'with --discover: the rate-limit probe’s request budget', '60')
    .option(...GUARD_FLAGS.allowProduction, false)
    .option(...GUARD_FLAGS.allowDestructive, false)
    .action(async (file: string | undefined, flags: CheckTargetFlags) => {
      if (file && flags.target && file !== flags.target) {
        throw new ConfigError(`two target files named: ${file} and --target ${flags.target}`, {
          where: 'check-target',
          hint: 'name the target file once, as FILE or as --target FILE',
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
      process.stdout.write(`${describeTarget(target).join('\n')}\n`);
      if (flags.probe) {
        // The very code gate, verify, scenarios, load and probe run first; a failure is exit 2.
        const result = await preflight(target);
        process.stdout.write(
          `\npreflight passed in ${result.durationMs} ms:\n${result.lines.map((line) => `  ✓ ${line}`).join('\n')}\n`,
        );
      }
      if (flags.discover) await discover(target, flags, context);
    });
};

function describeTarget(target: Target): string[] {
  const accounts = Object.entries(target.accounts).map(([slot, account]) => `${slot} (${account?.email})`);
  const skipped = ALL_CHECKS.flatMap((check) => {
    const reason = missing(target, ...check.needs);
    return reason ? [`  – ${check.id}: ${reason}`] : [];
  });
  return [
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
}

async function discover(target: Target, flags: CheckTargetFlags, context: CliContext = {}): Promise<void> {
  const guard = guardTarget(target, {
    command: 'check-target --discover',
    allowProduction: flags.allowProduction,
    allowDestructive: flags.allowDestructive,
  });
  // The probe bursts the rate limit, which real users of a production target would feel.
  const limitProbe =
    flags.limitProbe && !guard.skipDestructive
      ? {
          maxSeconds: positive('--limit-probe-seconds', flags.limitProbeSeconds),
          maxRequests: integer('--limit-probe-requests', flags.limitProbeRequests, 1, 10_000),
          timing: context.probeTiming,
        }
      : false;
  const skipReason = !flags.limitProbe
    ? 'the probe was not run (--no-limit-probe)'
    : (guard.skipDestructive ?? '');
  process.stdout.write('\n');
  const discovery = await discoverReadings(target, { probe: limitProbe, skipReason });
  process.stdout.write(formatDiscovery(discovery, target));
}
