/**
 * Reference API targets for the scenario suite's own tests: one checked-in key pair shared by
 * every server they start (key generation would be the slow part of a start).
 */
import type { ReferenceApiOptions, ReferenceKeyPair } from '../../src/reference-api/index.ts';
import { type ResolvedTarget, resolveTarget } from '../../src/target/index.ts';
import { testKeys } from '../reference-api/support.ts';

export async function sharedKeys(): Promise<ReferenceKeyPair[]> {
  return (await testKeys()).slice(0, 1);
}

/** A reference API with clock control on a free loopback port, described as a Target. */
export async function startTarget(options: ReferenceApiOptions = {}): Promise<ResolvedTarget> {
  return resolveTarget({ env: {}, reference: { keys: await sharedKeys(), ...options } });
}

/** Runs `task` over `items`, at most `limit` at a time, keeping the input order in the output. */
export async function inPool<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
