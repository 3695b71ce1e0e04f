/**
 * Who the pact is between and where it is written: read by the consumer tests, the global setup
 * that clears the folder, and the verifier that reads it back.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONSUMER = 'facilioo-auth-suite';
export const PROVIDER = 'facilioo-auth-api';
/** `reports/pacts/`, whatever the working directory (reports/ is git-ignored). */
export const PACT_DIR = fileURLToPath(new URL('../../reports/pacts/', import.meta.url));
/** Where a contracts run writes instead, so runs for several targets can sit side by side. */
export const PACT_DIR_ENV = 'FACILIOO_PACT_DIR';

/** The folder the contracts project writes to: FACILIOO_PACT_DIR, else reports/pacts/. */
export function contractPactDir(env: Readonly<Record<string, string | undefined>>): string {
  return env[PACT_DIR_ENV] || PACT_DIR;
}

/** `*.json` in `dir`, sorted; empty when the folder is missing or empty. */
export async function listPactFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir))
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => join(dir, name));
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }
}
