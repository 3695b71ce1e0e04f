/**
 * Which target a run uses: the file named by `file` (the CLI's `--target`) or `FACILIOO_TARGET`;
 * with neither, an embedded reference API on a free loopback port. The embedded target is built
 * from the reference API's own target document and validated by `parseTarget` like any file,
 * so both paths give the suites the same kind of `Target`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { ReferenceApiOptions, RunningReferenceApi } from '../reference-api/index.ts';
import { type Env, loadTarget, parseTarget } from './load.ts';
import type { Target } from './types.ts';

export interface ResolveTargetOptions {
  /** A target file; wins over `FACILIOO_TARGET`. */
  file?: string | undefined;
  env: Env;
  /** Options for the embedded reference API (ignored when a file is named). */
  reference?: ReferenceApiOptions | undefined;
}

export interface ResolvedTarget {
  target: Target;
  /** The embedded reference API, when no target file was named. */
  reference?: RunningReferenceApi;
  /** Stops the embedded reference API and removes its key files. Safe to call twice. */
  close(): Promise<void>;
}

export async function resolveTarget({ file, env, reference }: ResolveTargetOptions): Promise<ResolvedTarget> {
  const named = file || env.FACILIOO_TARGET || undefined;
  if (named) return { target: loadTarget(named, env), close: async () => {} };

  if (env.FACILIOO_BASE_URL) {
    // Pointing the embedded reference API's accounts at another host would test nothing real.
    throw new ConfigError('FACILIOO_BASE_URL is set but no target file is named', {
      where: 'FACILIOO_BASE_URL',
      hint: "FACILIOO_BASE_URL overrides a target file's baseUrl: name the file with --target FILE or FACILIOO_TARGET (examples/targets/ has templates), or unset FACILIOO_BASE_URL to use the embedded reference API",
    });
  }

  // Loaded only here, so runs against a target file never load the reference API.
  const { startReferenceApi } = await import('../reference-api/index.ts');
  const keyDir = await mkdtemp(join(tmpdir(), 'facilioo-auth-keys-'));
  let running: RunningReferenceApi | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      await running?.close();
    } finally {
      await rm(keyDir, { recursive: true, force: true });
    }
  };
  try {
    running = await startReferenceApi({ control: true, host: '127.0.0.1', port: 0, ...reference });
    const keyFiles = await Promise.all(
      running.publicKeyPems.map(async (pem, i) => {
        const path = join(keyDir, `reference-${i + 1}.pem`);
        await writeFile(path, pem, { mode: 0o644 });
        return path;
      }),
    );
    const target = parseTarget(running.targetDocument(keyFiles), {
      source: 'embedded',
      baseDir: keyDir,
      env,
    });
    return { target, reference: running, close };
  } catch (error) {
    await close();
    throw error;
  }
}
