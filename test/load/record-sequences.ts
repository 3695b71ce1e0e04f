/**
 * Test helper: records time-stamped status sequences by playing a fixed schedule — independent of
 * the probe's strategy, so the analysis is checked against what a limiter really did, not against
 * what the probe chose to ask. The schedule knows the window (it is the ground truth):
 *   burst until rejected → wait out Retry-After (or the window) → 1 request
 *   → wait 0.6 window → burst until rejected → wait out Retry-After → 2 requests.
 * `recordOverHttp` plays it over real HTTP with undici, on the timing it is given (the one the
 * server's clock shares, so a busy machine cannot push a burst across a window); `recordVirtually`
 * against a simulated limiter on a virtual clock.
 */
import { request } from 'undici';
import type { ProbeTiming } from '../../src/k6/timing.ts';
import type { Observation } from '../../src/probe/analysis.ts';
import { parseRetryAfter } from '../../src/probe/endpoints.ts';
import type { SimResponse } from './simulated-limiter.ts';

export interface Schedule {
  windowSeconds: number;
  rejectStatuses?: readonly number[];
  /** Cap on a burst, in case nothing is ever rejected. */
  maxBurst?: number;
}

interface Player {
  send(): Promise<Observation>;
  waitUntil(t: number): Promise<void>;
}

async function play(player: Player, schedule: Schedule): Promise<Observation[]> {
  const rejected = (o: Observation) => (schedule.rejectStatuses ?? [429, 503]).includes(o.status);
  const timeline: Observation[] = [];
  const send = async () => {
    const o = await player.send();
    timeline.push(o);
    return o;
  };
  const burst = async () => {
    for (let i = 0; i < (schedule.maxBurst ?? 60); i++) {
      const o = await send();
      if (rejected(o)) return o;
    }
    return undefined;
  };
  const waitOut = async (rejection: Observation) => {
    const wait =
      rejection.retryAfter !== undefined ? rejection.retryAfter * 1000 : schedule.windowSeconds * 1000;
    await player.waitUntil(rejection.t + wait + 30);
  };
  const first = await burst();
  if (!first) return timeline;
  await waitOut(first);
  const reset = await send();
  await player.waitUntil(reset.t + 0.6 * schedule.windowSeconds * 1000);
  const second = await burst();
  if (!second) return timeline;
  await waitOut(second);
  await send();
  await send();
  return timeline;
}

export async function recordOverHttp(
  url: string,
  schedule: Schedule,
  timing: ProbeTiming,
): Promise<Observation[]> {
  return play(
    {
      async send() {
        const started = timing.now();
        const response = await request(url, {
          method: 'POST',
          body: JSON.stringify({ email: 'recorder@example.invalid' }),
          headers: { 'content-type': 'application/json' },
        });
        await response.body.dump();
        const ended = timing.now();
        const o: Observation = {
          t: (started + ended) / 2,
          status: response.statusCode,
          durationMs: ended - started,
        };
        const retryAfter = parseRetryAfter(response.headers['retry-after'], timing.epochMs());
        if (retryAfter !== undefined) o.retryAfter = retryAfter;
        return o;
      },
      async waitUntil(t) {
        const ms = t - timing.now();
        if (ms > 0) await timing.sleep(ms);
      },
    },
    schedule,
  );
}

export async function recordVirtually(
  server: (t: number) => SimResponse,
  schedule: Schedule,
  latencyMs = 2,
): Promise<Observation[]> {
  let clock = 0;
  return play(
    {
      async send() {
        const t = clock + latencyMs / 2;
        const response = server(t);
        clock += latencyMs;
        const o: Observation = { t, status: response.status, durationMs: latencyMs };
        if (response.retryAfter !== undefined) o.retryAfter = response.retryAfter;
        return o;
      },
      async waitUntil(t) {
        clock = Math.max(clock, t);
      },
    },
    schedule,
  );
}
