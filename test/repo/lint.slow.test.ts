// Lint, format and types are part of the test run, so a change that breaks them cannot land
// with a green `npm test`.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';

function run(command: string, args: string[]): { code: number; output: string } {
  try {
    const output = execFileSync(command, args, { encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, output };
  } catch (error) {
    const e = error as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('repository hygiene', () => {
  test('Biome finds no lint or format problem', () => {
    const { code, output } = run('npx', ['biome', 'check', '.']);
    expect(code, output).toBe(0);
  });

  test('TypeScript type-checks the sources, tests and suites', () => {
    const { code, output } = run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
    expect(code, output).toBe(0);
  }, 120_000);
});
