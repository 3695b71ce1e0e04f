import type { RegisterCommand } from './main.ts';

/**
 * A subcommand: its name and its module. The module is imported only when a command line needs
 * it, because a CLI start otherwise pays seconds for imports it never uses (the gate's pull in
 * the Pact verifier, serve's Fastify, scenarios' vitest), and `inspect-token` would wait for them.
 */
export interface CommandEntry {
  name: string;
  load: () => Promise<{ register: RegisterCommand }>;
}

/** Every subcommand, in the order `--help` lists them. One line per command module. */
// biome-ignore format: one line per command module, so additions never touch each other's lines
export const COMMANDS: CommandEntry[] = [
  { name: 'gate', load: () => import('./gate.ts') },
  { name: 'serve', load: () => import('./serve.ts') },
  { name: 'defects', load: () => import('./defects.ts') },
  { name: 'check-target', load: () => import('./check-target.ts') },
  { name: 'inspect-token', load: () => import('./inspect-token.ts') },
  { name: 'scenarios', load: () => import('./scenarios.ts') },
  { name: 'verify', load: () => import('./verify.ts') },
  { name: 'load', load: () => import('./load.ts') },
  { name: 'probe', load: () => import('./probe.ts') },
  { name: 'broker', load: () => import('./broker.ts') },
];

const VERSION_FLAGS = new Set(['-V', '--version']);

/**
 * The command modules a command line needs: the named command's alone; none for the version;
 * every one for the overview, `help`, or a name no command has (whose error suggests near ones).
 * `args` are the arguments after the program name.
 */
export async function commandsFor(args: readonly string[]): Promise<RegisterCommand[]> {
  const first = args.find((arg) => !arg.startsWith('-'));
  const named = COMMANDS.find((command) => command.name === first);
  if (first === undefined && args.some((arg) => VERSION_FLAGS.has(arg))) return [];
  const modules = await Promise.all((named ? [named] : COMMANDS).map((command) => command.load()));
  return modules.map((module) => module.register);
}
