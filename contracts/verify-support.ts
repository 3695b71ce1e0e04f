/** Helpers the verification tests share: scratch folders and targets for reference APIs they start. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningReferenceApi } from '../src/reference-api/index.ts';
import { parseTarget, type Target, type TargetOptions } from '../src/target/index.ts';

export function scratchDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'facilioo-auth-verify-'));
}

/** The target a running reference API describes, through the same validation as any file. */
export function targetFor(api: RunningReferenceApi, options: Partial<TargetOptions> = {}): Target {
  const document = api.targetDocument([]);
  document.options = { ...document.options, ...options };
  return parseTarget(document, { source: `reference API at ${api.baseUrl}`, baseDir: tmpdir(), env: {} });
}
