/**
 * The load defects (defects.ts, kind `load`): what a server shows only under sustained traffic.
 * Both count the requests served since the last reset, so a load run meets them deterministically
 * and a single check does not.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ApiContext } from './context.ts';
import { HttpProblem } from './problem.ts';

const FAIL_EVERY = 20;
const LATENCY_STEP_MS = 50;
const LATENCY_CAP_MS = 5000;

export async function applyLoadDefects(ctx: ApiContext): Promise<void> {
  const grows = ctx.defects.has('latency-grows-with-load');
  const fails = ctx.defects.has('errors-under-load');
  if (!grows && !fails) return;
  const served = Object.values(ctx.stats).reduce((sum, count) => sum + count, 0);
  if (grows) await delay(Math.min(LATENCY_CAP_MS, LATENCY_STEP_MS * (served - 1)));
  if (fails && served % FAIL_EVERY === 0) {
    throw new HttpProblem(500, 'Internal Server Error', 'the server is overloaded');
  }
}
