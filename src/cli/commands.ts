import type { RegisterCommand } from './main.ts';

/** Every subcommand, in the order `--help` lists them. One line per command module. */
export const COMMANDS: RegisterCommand[] = [];
