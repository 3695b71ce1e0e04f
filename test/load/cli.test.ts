// `facilioo-auth load` checks everything it can before k6 runs: production is refused first,
// the script is bundled, and a missing k6 is a configuration error that says how to install it.
// `main()` runs in this process, in a folder of its own with a PATH that holds no k6; one test
// starts the real CLI, for the exit code a shell sees.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { resolveScript } from '../../src/k6/bundle.ts';
import { findK6, k6Args, parseK6Version, supportsDashboardExport } from '../../src/k6/k6.ts';
import { PROFILE_NAMES } from '../../src/k6/profiles.ts';
import { timeBound } from '../../src/k6/run.ts';
import { CLI_BIN, runCli } from '../cli/run-cli.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'facilioo-load-cli-'));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

/**
 * `facilioo-auth load …` in this process as if started in `dir` with PATH=dir: what the shell's
 * environment would hold (FACILIOO_TARGET, K6_BINARY) is taken away for the call.
 */
async function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  vi.stubEnv('PATH', dir);
  vi.stubEnv('HOME', dir);
  for (const name of ['K6_BINARY', 'FACILIOO_TARGET', 'FACILIOO_BASE_URL']) vi.stubEnv(name, undefined);
  // path.resolve() reads process.cwd(): every path the command builds lands in `dir`.
  vi.spyOn(process, 'cwd').mockReturnValue(dir);
  const { code, stderr } = await runCli(['load', ...args]);
  return { code, stderr };
}

/** The same as a child process started in `dir` with only PATH=dir and HOME=dir. */
function spawnLoad(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BIN, 'load', ...args], {
      cwd: dir,
      env: { PATH: dir, HOME: dir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

async function target(file: string, content: object): Promise<string> {
  const path = join(dir, file);
  await writeFile(path, JSON.stringify(content));
  return path;
}

describe('facilioo-auth load', () => {
  test('without k6 on PATH it exits 2 with install instructions, the bundle ready', async () => {
    // A real process: the exit code is what a shell or CI step sees.
    const { code, stderr } = await spawnLoad(['rate-limit-probe']);
    expect(code).toBe(2);
    expect(stderr).toContain('k6 is not on PATH');
    for (const way of ['grafana.com/docs/k6', 'brew install k6', 'dl.k6.io/deb', 'grafana/k6', 'K6_BINARY']) {
      expect(stderr).toContain(way);
    }
    expect(existsSync(join(dir, 'reports', 'load', 'build', 'rate-limit-probe.js'))).toBe(true);
  }, 30_000);

  test.each([
    ['a target named production', { name: 'production', baseUrl: 'https://staging-api.facilioo.de' }],
    ['a target on api.facilioo.de', { name: 'nightly', baseUrl: 'https://api.facilioo.de' }],
  ])(
    '%s is refused with the reason before anything is bundled',
    async (_name, content) => {
      const file = await target('t.json', content);
      const { code, stderr } = await cli(['auth-flow', '--target', file]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/is production/);
      expect(stderr).toContain('--allow-production');
      expect(existsSync(join(dir, 'reports', 'load', 'build'))).toBe(false);
    },
    30_000,
  );

  test('--allow-production (and, for a probe, --allow-destructive) lets a production target through to the preflight', async () => {
    // A loopback port nothing listens on: the preflight's refusal proves the guard let it pass.
    const file = await target('t.json', { name: 'production', baseUrl: 'http://127.0.0.1:9' });
    const { code, stderr } = await cli([
      'rate-limit-probe',
      '--target',
      file,
      '--allow-production',
      '--allow-destructive',
    ]);
    expect(code).toBe(2);
    expect(stderr).not.toMatch(/is production/);
    expect(stderr).toMatch(/preflight: POST http:\/\/127\.0\.0\.1:9\/.*connection refused/);
  }, 30_000);

  test('an unknown script or profile is a configuration error naming the choices', async () => {
    const script = await cli(['soak-everything']);
    expect(script.code).toBe(2);
    expect(script.stderr).toMatch(/auth-flow, rate-limit-probe/);
    const profile = await cli(['auth-flow', '--profile', 'weekend']);
    expect(profile.code).toBe(2);
    expect(profile.stderr).toMatch(/--profile.*smoke, average, stress, spike, soak/s);
  }, 30_000);

  test("the help's example names a script and profile that exist", async () => {
    const { code, stdout } = await runCli(['load', '--help']);
    expect(code).toBe(0);
    const example = /\$ facilioo-auth load (\S+)(?: --profile (\S+))?/.exec(stdout);
    expect(example, stdout).not.toBeNull();
    await expect(resolveScript(example?.[1] ?? '', dir)).resolves.toMatch(/\.ts$/);
    if (example?.[2]) expect(PROFILE_NAMES).toContain(example[2]);
  });

  test('a budget that is not a positive number names the flag', async () => {
    const { code, stderr } = await cli(['rate-limit-probe', '--max-requests', '0']);
    expect(code).toBe(2);
    expect(stderr).toContain('--max-requests');
  }, 30_000);
});

describe('bounds', () => {
  test('a run is stopped after its own profile or budget, never after another', () => {
    expect(timeBound('auth-flow', { profile: 'average' })).toBe(7 * 60 + 30 + 120);
    expect(timeBound('auth-flow', { profile: 'spike' })).toBe(80 + 30 + 120);
    expect(timeBound('auth-flow', { profile: 'spike', timeScale: 0.1 })).toBe(1 + 6 + 1 + 5 + 120);
    expect(timeBound('auth-flow', { profile: 'soak', maxSeconds: 600 })).toBe(600 + 120);
    expect(timeBound('rate-limit-probe', {})).toBe(600 + 120);
    expect(timeBound('rate-limit-probe', { maxSeconds: 90 })).toBe(90 + 120);
  });
});

describe('k6 itself', () => {
  test('versions are read from `k6 version`, and the dashboard export needs 0.49 or later', () => {
    expect(parseK6Version('k6 v0.49.0 (go1.21.6, linux/amd64)')).toMatchObject({
      major: 0,
      minor: 49,
      patch: 0,
    });
    expect(parseK6Version('k6 v1.2.3 (commit/abc, go1.24)')?.major).toBe(1);
    expect(parseK6Version('no version here')).toBeUndefined();
    expect(supportsDashboardExport(parseK6Version('k6 v0.48.0'))).toBe(false);
    expect(supportsDashboardExport(parseK6Version('k6 v0.49.0'))).toBe(true);
    expect(supportsDashboardExport(parseK6Version('k6 v1.0.0'))).toBe(true);
    expect(supportsDashboardExport(undefined)).toBe(false);
  });

  test('k6 is looked up on PATH, or named by K6_BINARY, which must be executable', () => {
    expect(findK6({ PATH: dir })).toBeUndefined();
    expect(findK6({ K6_BINARY: join(dir, 'missing') })).toBeUndefined();
    // Any executable file stands in for the lookup; it is never run here.
    expect(findK6({ K6_BINARY: process.execPath })).toBe(process.execPath);
  });

  test("only the -e variables reach the script, before the bundle; the caller's environment does not", () => {
    expect(k6Args({ bundle: '/b.js', vars: { FACILIOO_TARGET_JSON: '/run.json' } })).toEqual([
      'run',
      '--include-system-env-vars=false',
      '-e',
      'FACILIOO_TARGET_JSON=/run.json',
      '/b.js',
    ]);
  });
});
