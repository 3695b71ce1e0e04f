/**
 * Runs `facilioo-auth` as a user would type it. In this process (`runCli`) wherever a test only
 * needs what `main()` prints and returns — a real process start pays 1–3 s for tsx's loader —
 * and as a real process (`spawnCli`) only where the process boundary is the point: the exit
 * code the shell sees, stdin from a pipe, signals.
 */
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { type CliContext, main } from '../../src/cli/main.ts';

export const CLI_BIN = fileURLToPath(new URL('../../bin/facilioo-auth.js', import.meta.url));

export interface CliRun {
  code: number | null;
  /** stdout and stderr interleaved as they were written. */
  out: string;
  stdout: string;
  stderr: string;
}

/**
 * `main()` in this process with its output kept; `stdin` is what a pipe would feed it, `context`
 * what the commands get in place of the real world (e.g. a virtual clock).
 */
export async function runCli(
  args: string[],
  options: { stdin?: string; context?: CliContext } = {},
): Promise<CliRun> {
  const out: string[] = [];
  const streams = { stdout: [] as string[], stderr: [] as string[] };
  const keep = (stream: keyof typeof streams) => (chunk: string | Uint8Array) => {
    out.push(String(chunk));
    streams[stream].push(String(chunk));
    return true;
  };
  const spies: { mockRestore(): void }[] = [
    vi.spyOn(process.stdout, 'write').mockImplementation(keep('stdout')),
    vi.spyOn(process.stderr, 'write').mockImplementation(keep('stderr')),
  ];
  if (options.stdin !== undefined) {
    const stdin = Readable.from([Buffer.from(options.stdin)]) as unknown as typeof process.stdin;
    spies.push(vi.spyOn(process, 'stdin', 'get').mockReturnValue(stdin));
  }
  try {
    const code = await main(['node', 'facilioo-auth', ...args], options.context);
    return { code, out: out.join(''), stdout: streams.stdout.join(''), stderr: streams.stderr.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** `bin/facilioo-auth.js` in a child process, stdin piped from `stdin`; resolves when it exits. */
export function spawnCli(args: string[], options: { stdin?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { stdio: 'pipe' });
    const out: string[] = [];
    const streams = { stdout: [] as string[], stderr: [] as string[] };
    for (const name of ['stdout', 'stderr'] as const) {
      child[name].setEncoding('utf8').on('data', (chunk: string) => {
        out.push(chunk);
        streams[name].push(chunk);
      });
    }
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, out: out.join(''), stdout: streams.stdout.join(''), stderr: streams.stderr.join('') }),
    );
    child.stdin.end(options.stdin ?? '');
  });
}
