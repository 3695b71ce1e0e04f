/**
 * Finding and running the k6 binary. k6 is a Go program that no npm registry ships, so it is
 * looked up on PATH, and its absence is a configuration error with install instructions.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { pipeLines } from './output.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface K6Version {
  raw: string;
  major: number;
  minor: number;
  patch: number;
}

export const K6_INSTALL_HINT = [
  'install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/):',
  '      macOS:          brew install k6',
  '      Debian/Ubuntu:  sudo gpg -k && sudo gpg --no-default-keyring --keyring /usr/share/keyrings/k6-archive-keyring.gpg \\',
  '                        --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys C5AD17C747E3415A3642D57D77C6C491D6AC1D69',
  '                      echo "deb [signed-by=/usr/share/keyrings/k6-archive-keyring.gpg] https://dl.k6.io/deb stable main" \\',
  '                        | sudo tee /etc/apt/sources.list.d/k6.list && sudo apt-get update && sudo apt-get install k6',
  '      Windows:        winget install k6 --source winget',
  '      Docker:         docker run --rm -i -v "$PWD:/work" -w /work grafana/k6 run reports/load/build/<script>.js',
  '    then run the command again (k6 must be on PATH, or name it with K6_BINARY=/path/to/k6)',
].join('\n');

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `K6_BINARY`, else the first `k6` on PATH; undefined when there is none. */
export function findK6(env: Env): string | undefined {
  if (env.K6_BINARY) return isExecutable(env.K6_BINARY) ? env.K6_BINARY : undefined;
  const names = process.platform === 'win32' ? ['k6.exe', 'k6'] : ['k6'];
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

export function requireK6(env: Env, bundle?: string): string {
  const k6 = findK6(env);
  if (k6) return k6;
  throw new ConfigError(
    env.K6_BINARY ? `K6_BINARY=${env.K6_BINARY} is not an executable file` : 'k6 is not on PATH',
    {
      where: env.K6_BINARY ? 'K6_BINARY' : 'PATH',
      hint: `${K6_INSTALL_HINT}${bundle ? `\n    (the bundled script is ready at ${bundle})` : ''}`,
    },
  );
}

/** Parses `k6 v0.49.0 (go1.21.6, linux/amd64)` and the like. */
export function parseK6Version(output: string): K6Version | undefined {
  const match = /v?(\d+)\.(\d+)\.(\d+)/.exec(output);
  if (!match) return undefined;
  return { raw: match[0], major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

export function atLeast(version: K6Version, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

/** The web dashboard and its HTML export arrived in k6 0.49. */
export function supportsDashboardExport(version: K6Version | undefined): boolean {
  return version !== undefined && atLeast(version, 0, 49);
}

export async function k6Version(k6: string): Promise<K6Version | undefined> {
  const output = await new Promise<string>((resolveOutput) => {
    const child = spawn(k6, ['version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
    });
    child.on('error', () => resolveOutput(''));
    child.on('close', () => resolveOutput(text));
  });
  return parseK6Version(output);
}

/**
 * Where k6's output goes. `inherit`: our terminal, banner and live progress bar included — for a
 * person at a TTY. A `log`: each line, redacted and without progress (src/k6/output.ts) — for
 * tests, CI and the gate, whose logs a per-second progress line would flood.
 */
export type K6Output = 'inherit' | { log: (line: string) => void };

export interface K6Run {
  k6: string;
  bundle: string;
  /** Passed as `-e NAME=value` (non-secret settings only: they show in process listings). */
  vars: Record<string, string>;
  /** The environment k6 itself runs in (K6_* settings); the script's __ENV sees only `vars`. */
  env: Env;
  cwd: string;
  /** Hard wall-clock cap: SIGINT (k6 stops gracefully and still writes its summary), then SIGKILL. */
  timeoutMs: number;
  output: K6Output;
}

export function k6Args(run: Pick<K6Run, 'bundle' | 'vars'> & { piped?: boolean }): string[] {
  // Only what the run passes with -e reaches the script: a stray BASE_URL or PROFILE in the
  // caller's environment (Vitest sets BASE_URL) cannot change what it does.
  const args = ['run', '--include-system-env-vars=false'];
  // Nobody watches a piped run's bar; and nobody drives it through k6's REST API, whose fixed
  // port 6565 another k6 beside it (a test, a CI job) already holds: any free loopback port.
  if (run.piped) args.push('--quiet', '--address', '127.0.0.1:0');
  for (const [name, value] of Object.entries(run.vars)) args.push('-e', `${name}=${value}`);
  args.push(run.bundle);
  return args;
}

/** Runs k6; resolves to k6's exit code (99: thresholds failed). */
export function runK6(run: K6Run): Promise<{ exitCode: number; timedOut: boolean }> {
  return new Promise((resolveRun, reject) => {
    const { output } = run;
    const piped = output !== 'inherit';
    const child = spawn(run.k6, k6Args({ ...run, piped }), {
      cwd: run.cwd,
      env: { ...run.env },
      stdio: piped ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    // The last lines (k6's summary) may still be in the pipes when the process is gone.
    const drained =
      output === 'inherit'
        ? Promise.resolve()
        : Promise.all([child.stdout, child.stderr].map((stream) => stream && pipeLines(stream, output.log)));
    let timedOut = false;
    let kill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGINT');
      kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    }, run.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (kill) clearTimeout(kill);
      void drained.then(() => resolveRun({ exitCode: code ?? (signal ? 1 : 0), timedOut }));
    });
  });
}
