/**
 * Reference API targets for the scenario suite's own tests: one key pair generated per test
 * file and shared by every server it starts (key generation is the slow part of a start).
 */
import {
  generateKeys,
  type ReferenceApiOptions,
  type ReferenceKeyPair,
} from '../../src/reference-api/index.ts';
import { type ResolvedTarget, resolveTarget } from '../../src/target/index.ts';

let keys: Promise<ReferenceKeyPair[]> | undefined;

export function sharedKeys(): Promise<ReferenceKeyPair[]> {
  keys ??= generateKeys(1);
  return keys;
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
