/**
 * Gives the scenario files their target. The CLI resolves it itself (and may have started the
 * embedded reference API) and hands it in through `provide`; a plain `vitest run` gets it here:
 * the file named by FACILIOO_TARGET, or the embedded reference API. Like the CLI, this entry
 * point hands process.env to src/target/, the one module that reads it.
 */
import type { TestProject } from 'vitest/node';
import type { ScenarioRequest } from '../src/scenarios/vitest-types.ts';
import { resolveTarget } from '../src/target/index.ts';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (project.getProvidedContext().scenarios) return undefined;
  const resolved = await resolveTarget({ env: process.env });
  const request: ScenarioRequest = { target: resolved.target, trace: false };
  project.provide('scenarios', request);
  return () => resolved.close();
}
