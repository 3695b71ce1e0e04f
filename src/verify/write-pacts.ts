/**
 * `verify` with no pacts yet writes them first: the consumer contracts are what is verified, so
 * running them is the only way to get pacts that match this checkout.
 */
import { spawn } from 'node:child_process';
import { mkdir, rmdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { contractEnv } from '../gate/contracts.ts';
import { PACT_DIR } from '../pact/pact-files.ts';
import type { Readings } from '../target/index.ts';
import { waitLine } from '../target/ops/waits.ts';
import { listPactFiles } from './pacts.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** How long a run waits for another one holding the pact folder's lock. */
const LOCK_WAIT_MS = 180_000;

/**
 * Runs `vitest run --project contracts` in the repository, for `readings` (default: the spec's),
 * and resolves with the pact files it wrote. `write` receives vitest's output.
 */
export async function writePacts(write: (text: string) => void, readings?: Readings): Promise<string[]> {
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [vitest, 'run', '--project', 'contracts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: contractEnv(readings),
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

/**
 * The pact files, written first if there are none. Processes that start together (parallel test
 * files) take turns through a lock directory, so one writes and the others wait and reuse:
 * two contracts runs at once would clear each other's output.
 */
export async function ensurePacts(
  write: (text: string) => void = () => {},
  readings?: Readings,
): Promise<string[]> {
  const existing = await listPactFiles(PACT_DIR);
  if (existing.length > 0) return existing;
  const lock = `${PACT_DIR.replace(/[\\/]+$/, '')}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  for (let waited = 0; ; waited += 250) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      if (waited > LOCK_WAIT_MS)
        throw new Error(`${lock} has been held for 3 minutes; remove it if no contracts run is going on`);
      // Said when the wait begins and every ~5 s after: another run may take a minute.
      if (waited % 5_000 === 0) {
        const what = `another contracts run to finish writing the pacts (${lock})`;
        write(`${waitLine({ what, seconds: (LOCK_WAIT_MS - waited) / 1000, upTo: true })}\n`);
      }
      await sleep(250);
    }
  }
  try {
    const written = await listPactFiles(PACT_DIR);
    return written.length > 0 ? written : await writePacts(write, readings);
  } finally {
    await rmdir(lock);
  }
}
