/**
 * The `facilioo-auth` command. Each subcommand lives in its own module under `src/cli/` and is
 * listed in `commands.ts`; this file only wires them up and turns errors into exit codes:
 * 0 success, 1 checks failed, 2 configuration error (the user's to fix).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isConfigError } from '../errors.ts';
import type { ProbeTiming } from '../k6/timing.ts';
import { commandsFor } from './commands.ts';
import { addHelpFooters, HELP_CONFIGURATION } from './help.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * What an in-process caller can hand the commands in place of the real world. Users never set it;
 * a test does, to run `probe` on the virtual time its reference API's clock shares.
 */
export interface CliContext {
  probeTiming?: ProbeTiming;
}

export async function main(argv: string[], context: CliContext = {}): Promise<number> {
  const program = new Command('facilioo-auth')
    .description('Contract tests, scenario checks and load harness for the facilioo authentication API')
    .version(VERSION, '-V, --version', 'print the version and exit')
    .exitOverride()
    .configureHelp(HELP_CONFIGURATION)
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  let exitCode = 0;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  for (const register of await commandsFor(argv.slice(2))) register(program, setExitCode, context);
  addHelpFooters(program);
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too; a usage error is a configuration error.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (isConfigError(error)) {
      process.stderr.write(`facilioo-auth: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(
      `facilioo-auth: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

/** What a command module exports: it adds itself to the program and reports its exit code. */
export type RegisterCommand = (
  program: Command,
  setExitCode: (code: number) => void,
  context?: CliContext,
) => void;
