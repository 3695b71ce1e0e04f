/**
 * `verify` with no pacts yet writes them first: the consumer contracts are what is verified, so
 * running them is the only way to get pacts that match this checkout.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACT_DIR } from '../../contracts/pact-files.ts';
import { listPactFiles } from './pacts.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs `vitest run --project contracts` in the repository and resolves with the pact files it
 * wrote. `write` receives vitest's output.
 */
export async function writePacts(write: (text: string) => void): Promise<string[]> {
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [vitest, 'run', '--project', 'contracts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => write(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => write(chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode ?? 1));
  });
  if (code !== 0) {
    throw new Error(
      'the consumer contracts failed, so there are no pacts to verify: fix them first (`npx vitest run --project contracts`)',
    );
  }
  const files = await listPactFiles(PACT_DIR);
  if (files.length === 0)
    throw new Error(`the consumer contracts passed but wrote no pact file to ${PACT_DIR}`);
  return files;
}
