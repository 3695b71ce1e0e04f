/**
 * `facilioo-auth check-target`: what a QA engineer runs before pointing the suite at an
 * environment. It validates the target file exactly as every command does (exit 2 naming the
 * field), then says what the suite will do with it: the accounts and services it found (no
 * secret printed) and which scenario checks will be skipped, and why. With `--discover` it also
 * asks the live target which readings of the OPEN points it takes (src/discover/) and prints the
 * lines to add to the file.
 */
import { formatDiscovery } from '../discover/index.ts';
import { discoverReadings } from '../discover/readings.ts';
import { ConfigError } from '../errors.ts';
import { ALL_CHECKS } from '../scenarios/checks/index.ts';
import { isProductionTarget, loadTarget, missing } from '../target/index.ts';
import { integer, positive } from './flags.ts';
import type { RegisterCommand } from './main.ts';

interface CheckTargetFlags {
  target?: string;
  discover?: boolean;
  probe: boolean;
  probeSeconds: string;
  probeRequests: string;
  allowProduction?: boolean;
}

export const register: RegisterCommand = (program) => {
  program
    .command('check-target')
    .description('Validate a target file and list what the suite can and cannot check against it')
    .argument('[file]', 'target file (default: FACILIOO_TARGET)')
    .option('--target <file>', 'target file, as every other command takes it')
    .option('--discover', 'ask the live target which readings it takes and print the lines to add')
    .option('--no-probe', 'with --discover: leave the rate-limit probe out')
    .option('--probe-seconds <n>', 'with --discover: the rate-limit probe’s time budget', '120')
    .option('--probe-requests <n>', 'with --discover: the rate-limit probe’s request budget', '60')
    .option('--allow-production', 'with --discover: allow a production target', false)
    .action(async (file: string | undefined, flags: CheckTargetFlags) => {
      if (file !== undefined && flags.target !== undefined && file !== flags.target) {
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
      if (!flags.discover) return;
      if (isProductionTarget(target) && !flags.allowProduction) {
        throw new ConfigError(`target "${target.name}" at ${target.baseUrl} is production`, {
          where: 'check-target --discover',
          hint: 'discovery logs in, refreshes, sends a wrong password and probes the rate limit; pass --allow-production if that is really meant',
        });
      }
      const probe = flags.probe
        ? {
            maxSeconds: positive('--probe-seconds', flags.probeSeconds),
            maxRequests: integer('--probe-requests', flags.probeRequests, 1, 10_000),
          }
        : false;
      process.stdout.write('\n');
      const discovery = await discoverReadings(target, { probe });
      process.stdout.write(formatDiscovery(discovery, target));
    });
};
