/**
 * The readings a pact was written for, kept in its metadata. pact-js offers no public way to add
 * metadata to a V4 pact, so the contracts project stamps the files it wrote once it has finished.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { ConfigError } from '../errors.ts';
import { isObject } from '../json.ts';
import {
  DEFAULT_READINGS,
  parseReadings,
  READINGS_METADATA_KEY,
  type Readings,
  readingDifferences,
  readingsOf,
  type Target,
} from '../target/index.ts';
import { listPactFiles } from './pact-files.ts';

/** Adds `metadata.faciliooAuthReadings` to every pact file in `dir`. */
export async function stampReadings(dir: string, readings: Readings): Promise<void> {
  for (const file of await listPactFiles(dir)) {
    const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    const metadata = isObject(json.metadata) ? json.metadata : {};
    json.metadata = { ...metadata, [READINGS_METADATA_KEY]: readings };
    await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
  }
}

/**
 * The readings a pact file says it was written for. Pacts from before readings were recorded
 * were always written for the defaults.
 */
export function readingsOfPact(json: Record<string, unknown>, file: string): Readings {
  const metadata = isObject(json.metadata) ? json.metadata : {};
  const recorded = metadata[READINGS_METADATA_KEY];
  return recorded === undefined
    ? DEFAULT_READINGS
    : parseReadings(recorded, `${file}: metadata.${READINGS_METADATA_KEY}`);
}

/** Refuses, in one line, a pact written for readings other than the target's. */
export function ensurePactFitsTarget(json: Record<string, unknown>, file: string, target: Target): void {
  const differences = readingDifferences(readingsOfPact(json, file), readingsOf(target));
  if (differences.length === 0) return;
  // One line: the hint is part of the message.
  throw new ConfigError(
    `written for other readings than target "${target.name}" takes — ${differences.join(', ')}; write the contracts for this target with \`facilioo-auth gate --target FILE\` (or remove the pacts and run verify --target FILE)`,
    { where: file },
  );
}
