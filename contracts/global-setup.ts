/**
 * Pact merges new interactions into an existing pact file, so a renamed or deleted test would
 * live on in it. Each contracts run starts from an empty `reports/pacts/`.
 */
import { mkdir, rm } from 'node:fs/promises';
import { PACT_DIR } from '../src/pact/pact-files.ts';

export default async function clearPacts(): Promise<void> {
  await rm(PACT_DIR, { recursive: true, force: true });
  await mkdir(PACT_DIR, { recursive: true });
}
