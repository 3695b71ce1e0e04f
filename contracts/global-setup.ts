/**
 * Pact merges new interactions into an existing pact file, so a renamed or deleted test would
 * live on in it. Each contracts run starts from an empty `reports/pacts/`, and ends by stamping
 * every pact with the readings it was written for, which verification compares with its target.
 */
import { mkdir, rm } from 'node:fs/promises';
import { contractPactDir } from '../src/pact/pact-files.ts';
import { stampReadings } from '../src/pact/readings-metadata.ts';
import { contractReadings } from '../src/target/index.ts';

export default async function clearPacts(): Promise<() => Promise<void>> {
  const readings = contractReadings(process.env);
  const dir = contractPactDir(process.env);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return () => stampReadings(dir, readings);
}
