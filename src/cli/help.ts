/**
 * What every command's --help ends with: its exit codes and one example to copy. Kept in one
 * table so no command can be left without them, and option defaults are printed one way for all.
 */
import type { Command, Help, Option } from 'commander';

const CONFIG =
  '2  configuration error: a bad flag or target file, a refused production target, or a target that fails the preflight';

interface CommandHelp {
  exit: string[];
  examples: string[];
}

const RUNS = [
  '0  every contract and behaviour check held',
  '1  a check failed (security findings only with --strict-security)',
  CONFIG,
];

export const COMMAND_HELP: Record<string, CommandHelp> = {
  gate: {
    exit: RUNS,
    examples: ['facilioo-auth gate', 'facilioo-auth gate --target targets/staging.json --strict-security'],
  },
  serve: {
    exit: ['0  stopped with Ctrl-C or SIGTERM', CONFIG],
    examples: ['facilioo-auth serve --port 8080 --control --write-target reports/local-target.json'],
  },
  defects: { exit: ['0  listed', CONFIG], examples: ['facilioo-auth defects --json'] },
  'check-target': {
    exit: ['0  the target file is valid (and, with --probe, passed the preflight)', CONFIG],
    examples: ['facilioo-auth check-target --target targets/staging.json --probe'],
  },
  'inspect-token': {
    exit: [
      '0  decoded (with --require-valid: valid now and signed by a given key)',
      '1  --require-valid and it is not',
      CONFIG,
    ],
    examples: ['facilioo-auth inspect-token "$TOKEN" --key keys/facilioo.pem --require-valid'],
  },
  scenarios: {
    exit: RUNS,
    examples: ['facilioo-auth scenarios --target targets/staging.json --only refresh.rotates'],
  },
  verify: {
    exit: ['0  every interaction held', '1  an interaction failed', CONFIG],
    examples: ['facilioo-auth verify --target targets/staging.json'],
  },
  load: {
    exit: ['0  the thresholds held', '1  a threshold failed or k6 failed', `${CONFIG}; k6 missing`],
    examples: ['facilioo-auth load auth-flow --profile smoke --target targets/staging.json'],
  },
  probe: {
    exit: ['0  a rate limit was found', '1  none found within the budget', CONFIG],
    examples: ['facilioo-auth probe --target targets/staging.json --max-requests 30'],
  },
  broker: {
    exit: ['0  published / may deploy', '1  may not deploy', CONFIG],
    examples: ['facilioo-auth broker can-i-deploy --to-environment staging'],
  },
};

export function helpFooter(name: string): string {
  const help = COMMAND_HELP[name];
  if (!help) return '';
  return `\nExit codes:\n${help.exit.map((line) => `  ${line}`).join('\n')}\n\nExample${help.examples.length > 1 ? 's' : ''}:\n${help.examples.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** Adds the footer to every command that has none yet, and to their subcommands' parents. */
export function addHelpFooters(program: Command): void {
  for (const command of program.commands) {
    const footer = helpFooter(command.name());
    if (footer) command.addHelpText('after', footer);
  }
}

/**
 * Defaults read the same everywhere: `(default: 100)`, never `"100"`, and no `(default: false)`
 * on a switch, which says nothing a switch does not already say.
 */
export function optionDescription(this: void, option: Option): string {
  const extras: string[] = [];
  if (option.argChoices) extras.push(`choices: ${option.argChoices.join(', ')}`);
  if (option.defaultValue !== undefined && option.defaultValue !== false) {
    extras.push(
      `default: ${option.defaultValueDescription ?? (Array.isArray(option.defaultValue) ? option.defaultValue.join(', ') || 'none' : String(option.defaultValue))}`,
    );
  }
  return extras.length > 0 ? `${option.description} (${extras.join(', ')})` : option.description;
}

export const HELP_CONFIGURATION: Partial<Help> = { optionDescription };
