/**
 * Runs `facilioo-auth` in this process, as a user would type it, and keeps what it printed
 * (stdout and stderr together) instead of letting it reach the test output.
 */
import { vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

export async function runCli(args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const keep = (chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  try {
    return { code: await main(['node', 'facilioo-auth', ...args]), out: out.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}
