// Every command tells a person how it ends and how to start it: --help lists its exit codes and
// an example, defaults read the same way everywhere, and --version answers.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describe, expect, test } from 'vitest';
import { COMMANDS, commandsFor } from '../../src/cli/commands.ts';
import { COMMAND_HELP } from '../../src/cli/help.ts';
import { runCli } from './run-cli.ts';

const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

describe('facilioo-auth help', () => {
  test('--version prints the package version, exit 0', async () => {
    const { code, out } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(out.trim()).toBe(version);
  });

  test('every command has an entry in the help table', async () => {
    const { out } = await runCli(['--help']);
    const listed = [...out.matchAll(/^ {2}([a-z-]+)(?: \[options\]| <| \[|\s{2})/gm)].map((m) => m[1]);
    expect(listed.filter((name) => name !== 'help').sort()).toEqual(Object.keys(COMMAND_HELP).sort());
  });

  test.each(Object.keys(COMMAND_HELP))(
    '%s --help: exit codes, an example, defaults without quotes or false',
    async (name) => {
      const { code, out } = await runCli([name, '--help']);
      expect(code).toBe(0);
      expect(out).toMatch(/Exit codes:\n {2}0 /);
      expect(out).toMatch(/ {2}2 {2}configuration error/);
      expect(out).toMatch(new RegExp(`Examples?:\\n {2}\\$ facilioo-auth ${name}`));
      expect(out).not.toContain('(default: false)');
      expect(out).not.toMatch(/default: "/);
    },
  );
});

// A command line imports only the module of the command it names, so the list must name each
// module's command truly: a wrong name would leave that command unreachable by name.
describe('the command list', () => {
  test.each(COMMANDS.map((command) => [command.name, command] as const))(
    'the entry "%s" loads the module that registers that command',
    async (name, entry) => {
      const program = new Command();
      (await entry.load()).register(program, () => {});
      expect(program.commands.map((command) => command.name())).toEqual([name]);
    },
  );

  test('a named command loads its module alone; the overview, help and a typo load them all', async () => {
    expect(await commandsFor(['inspect-token', '--at', 'x'])).toHaveLength(1);
    expect(await commandsFor(['--version'])).toHaveLength(0);
    for (const args of [[], ['--help'], ['help', 'gate'], ['gaet']]) {
      expect(await commandsFor(args)).toHaveLength(COMMANDS.length);
    }
  });

  test('a misspelt command is still answered with the near one', async () => {
    const { code, out } = await runCli(['inspect-tokn']);
    expect(code).toBe(2);
    expect(out).toContain('inspect-token');
  });
});
