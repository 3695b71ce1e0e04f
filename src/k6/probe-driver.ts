/**
 * The Node driver of the rate-limit probe: the same state machine k6 runs
 * (`src/probe/probe.ts`), with undici doing the requests and `timing` (real by default) doing the
 * clock and the waits. Tests and the benchmark use it to exercise the real algorithm against the
 * reference API without k6; on a virtual timing shared with that API, CPU speed cannot change
 * which request lands in which window.
 */
import { type Dispatcher, request } from 'undici';
import type { Observation } from '../probe/analysis.ts';
import { PROBE_EMAIL, parseRetryAfter, probeRequest } from '../probe/endpoints.ts';
import { createProbe, type ProbeConfig, type ProbeResult } from '../probe/probe.ts';
import type { RouteName } from '../target/types.ts';
import { type ProbeTiming, realTiming } from './timing.ts';

export interface NodeProbeOptions extends Omit<ProbeConfig, 'endpoint'> {
  baseUrl: string;
  /** A route name (default `recoverPassword`) or a path. */
  endpoint?: string;
  /** The target's paths, when it renames routes. */
  paths?: Partial<Record<RouteName, string>>;
  email?: string;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  /** Called after every response, e.g. for progress output. */
  onObservation?: (observation: Observation, index: number) => void;
  /** The clock and the waits; default real time. */
  timing?: ProbeTiming;
}

export async function runProbe(options: NodeProbeOptions): Promise<ProbeResult> {
  const req = probeRequest(
    options.endpoint ?? 'recoverPassword',
    options.paths,
    options.email ?? PROBE_EMAIL,
  );
  const url = new URL(req.path, options.baseUrl).toString();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const probe = createProbe({
    endpoint: req.endpoint,
    maxRequests: options.maxRequests,
    maxSeconds: options.maxSeconds,
    rejectStatuses: options.rejectStatuses,
    maxErrors: options.maxErrors,
  });
  const timing = options.timing ?? realTiming;
  const now = () => timing.now();
  let sent = 0;
  for (;;) {
    const step = probe.next(now());
    if (step.kind === 'done') return step.result;
    if (step.kind === 'sleep') {
      await timing.sleep(step.seconds * 1000);
      continue;
    }
    const started = now();
    let status = 0;
    let retryAfter: number | undefined;
    try {
      const response = await request(url, {
        method: req.method,
        body: req.body,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      });
      await response.body.dump();
      status = response.statusCode;
      retryAfter = parseRetryAfter(response.headers['retry-after'], timing.epochMs());
    } catch {
      // No response is an observation too: the probe counts it against its error allowance.
      status = 0;
    }
    const ended = now();
    const observation: Observation = { t: (started + ended) / 2, status, durationMs: ended - started };
    if (retryAfter !== undefined) observation.retryAfter = retryAfter;
    probe.observe(observation);
    options.onObservation?.(observation, sent++);
  }
}
