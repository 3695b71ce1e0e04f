/**
 * How does DefaultRateLimitAuth behave? Discovers the limit, the window, the rejection status,
 * Retry-After (sent? right? honoured?) and, where it can, the algorithm — for recover-password,
 * or any route via -e ENDPOINT=. Spends a bounded budget (-e MAX_REQUESTS, -e MAX_SECONDS): it
 * runs against shared environments. The strategy is src/probe/probe.ts, driven here by http.post
 * and sleep; the result goes to reports/load/rate-limit-probe.json.
 *
 *   npx facilioo-auth load rate-limit-probe --target targets/staging.json
 */
import { sleep } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Gauge, Rate } from 'k6/metrics';
import type { Options } from 'k6/options';
import type { Observation } from '../src/probe/analysis.ts';
import { parseRetryAfter, probeRequest } from '../src/probe/endpoints.ts';
import { createProbe, type ProbeResult } from '../src/probe/probe.ts';
import { loadConfig } from './lib/config.ts';
import { type SummaryData, summaryOutputs } from './lib/summary.ts';

const config = loadConfig();
const request = probeRequest(config.probe.endpoint, config.target.paths, config.probe.email);

const limitFound = new Rate('probe_limit_found');
const unexpected5xx = new Counter('probe_unexpected_5xx');
const limitGauge = new Gauge('probe_limit');
const windowGauge = new Gauge('probe_window_seconds');

// The rejection is the answer the probe looks for, not a failed request.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 399 }, ...config.probe.rejectStatuses));

export const options: Options = {
  scenarios: { probe: { executor: 'shared-iterations', vus: 1, iterations: 1, maxDuration: '1m' } },
  // The probe runs in setup() so that handleSummary() receives its result as setup data.
  setupTimeout: `${Math.ceil(config.probe.maxSeconds) + 60}s`,
  thresholds: {
    probe_limit_found: ['rate==1'],
    probe_unexpected_5xx: ['count==0'],
  },
};

export function setup(): { probe: ProbeResult } {
  const up = http.get(config.target.baseUrl, { tags: { name: 'setup' } });
  if (up.status === 0) {
    exec.test.abort(`target ${config.target.name} (${config.target.baseUrl}) is down: ${up.error}`);
  }
  const probe = createProbe({
    endpoint: request.endpoint,
    maxRequests: config.probe.maxRequests,
    maxSeconds: config.probe.maxSeconds,
    rejectStatuses: config.probe.rejectStatuses,
  });
  const target = `${config.target.baseUrl}${request.path}`;
  const params = {
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    tags: { endpoint: request.endpoint, name: 'probe' },
  };
  let rejectStatus: number | undefined;
  for (;;) {
    const step = probe.next(Date.now());
    if (step.kind === 'done') {
      const found = step.result.rateLimit.limit !== null;
      limitFound.add(found ? 1 : 0);
      unexpected5xx.add(0); // so the count==0 threshold has data even when all went well
      if (found) limitGauge.add(step.result.rateLimit.limit as number);
      if (step.result.rateLimit.windowSeconds !== null) windowGauge.add(step.result.rateLimit.windowSeconds);
      return { probe: step.result };
    }
    if (step.kind === 'sleep') {
      sleep(step.seconds);
      continue;
    }
    const started = Date.now();
    const res = http.request(request.method, target, request.body, params);
    const ended = Date.now();
    if (rejectStatus === undefined && (config.probe.rejectStatuses as number[]).includes(res.status))
      rejectStatus = res.status;
    if (res.status >= 500 && res.status !== rejectStatus) unexpected5xx.add(1);
    const observation: Observation = {
      t: (started + ended) / 2,
      status: res.status,
      durationMs: ended - started,
    };
    const retryAfter = parseRetryAfter(res.headers['Retry-After'], ended);
    if (retryAfter !== undefined) observation.retryAfter = retryAfter;
    probe.observe(observation);
  }
}

export default function (): void {
  // Everything happens in setup(); k6 needs one iteration to run it.
}

export function handleSummary(data: SummaryData): Record<string, string> {
  const setupData = data.setup_data as { probe?: ProbeResult } | undefined;
  const result = setupData?.probe ?? {
    // k6 versions that do not pass setup data to handleSummary: the gauges still tell the story.
    rateLimit: {
      endpoint: request.endpoint,
      limit: data.metrics?.probe_limit?.values?.value ?? null,
      windowSeconds: data.metrics?.probe_window_seconds?.values?.value ?? null,
      rejectStatus: null,
      retryAfterSeconds: null,
      algorithm: 'unknown',
      requestsSent: data.metrics?.http_reqs?.values?.count ?? 0,
      notes: ['this k6 version does not hand setup data to handleSummary: only limit and window are known'],
    },
  };
  const r = result.rateLimit;
  const line =
    r.limit === null ? 'no limit found within budget' : `${r.limit} per ${r.windowSeconds ?? '?'} s`;
  return summaryOutputs(
    data,
    config.reportDir,
    'rate-limit-probe',
    { [`${config.reportDir}/rate-limit-probe.json`]: `${JSON.stringify(result, null, 2)}\n` },
    `\nrate limit of ${r.endpoint}: ${line} (${r.algorithm}), reject status ${r.rejectStatus ?? '-'}, ` +
      `Retry-After ${r.retryAfterSeconds ?? 'absent'}, ${r.requestsSent} requests\n`,
  );
}
