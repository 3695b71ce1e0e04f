/**
 * `npm run bench:probe`: what the rate-limit probe finds and what it costs, against the
 * reference API with each limiter kind and a few limit/window settings (short windows, so the
 * whole run takes about a minute). The goal per setting: the exact limit, the window within
 * ±10 %, at most 2 × limit + 10 requests and 2.5 windows of time.
 *
 * Each setting gets a fresh server, so the limiter opens its window with the probe's first
 * request (as ASP.NET's partitioned limiters do for a new client). The "again" rows probe the
 * same server a second time, when the window runs at whatever phase the first run left it.
 * Token buckets: "window" is the replenishment period. Settings run one after another, so their
 * timings do not disturb each other; other load on the machine still can.
 */
import { loadavg } from 'node:os';
import { runProbe } from '../src/k6/probe-driver.ts';
import type { ProbeResult } from '../src/probe/probe.ts';
import { type RunningReferenceApi, startReferenceApi } from '../src/reference-api/index.ts';
import type { LimitsInput, LimitsOptions } from '../src/reference-api/rate-limiter.ts';

interface Setting {
  label: string;
  limits: LimitsInput & { algorithm: LimitsOptions['algorithm']; permitLimit: number };
  window: number;
  again?: boolean;
}

const fixed = (permitLimit: number, windowSeconds: number): Setting['limits'] => ({
  algorithm: 'fixed-window',
  permitLimit,
  windowSeconds,
});

/** Every limiter reading the reference API serves (spec, ASP.NET section), on short windows. */
const SETTINGS: Setting[] = [
  { label: 'fixed 5/1s', limits: fixed(5, 1), window: 1 },
  { label: 'fixed 10/2s', limits: fixed(10, 2), window: 2, again: true },
  { label: 'fixed 3/3s', limits: fixed(3, 3), window: 3 },
  {
    label: 'sliding 5/1s ×2',
    limits: { algorithm: 'sliding-window', permitLimit: 5, windowSeconds: 1, segmentsPerWindow: 2 },
    window: 1,
  },
  {
    label: 'sliding 10/2s ×4',
    limits: { algorithm: 'sliding-window', permitLimit: 10, windowSeconds: 2, segmentsPerWindow: 4 },
    window: 2,
    again: true,
  },
  {
    label: 'sliding 6/2s ×5, no Retry-After',
    limits: {
      algorithm: 'sliding-window',
      permitLimit: 6,
      windowSeconds: 2,
      segmentsPerWindow: 5,
      retryAfter: 'none',
    },
    window: 2,
  },
  {
    label: 'bucket 5, +2/1s',
    limits: { algorithm: 'token-bucket', permitLimit: 5, tokensPerPeriod: 2, replenishmentPeriodSeconds: 1 },
    window: 1,
  },
  {
    label: 'bucket 10, +3/2s',
    limits: { algorithm: 'token-bucket', permitLimit: 10, tokensPerPeriod: 3, replenishmentPeriodSeconds: 2 },
    window: 2,
    again: true,
  },
  {
    label: 'bucket 4, +1/3s',
    limits: { algorithm: 'token-bucket', permitLimit: 4, tokensPerPeriod: 1, replenishmentPeriodSeconds: 3 },
    window: 3,
  },
  { label: 'fixed 6/2s, 503', limits: { ...fixed(6, 2), rejectStatus: 503 }, window: 2 },
  {
    label: 'fixed 6/2s, 503, no body, no Retry-After (ASP.NET default)',
    limits: { ...fixed(6, 2), rejectStatus: 503, rejectBody: false, retryAfter: 'none' },
    window: 2,
    again: true,
  },
  {
    label: 'fixed 6/2s, Retry-After truncated',
    limits: { ...fixed(6, 2), retryAfter: 'truncated' },
    window: 2,
  },
  {
    label: 'fixed 6/2s, Retry-After whole window',
    limits: { ...fixed(6, 2), retryAfter: 'whole-window' },
    window: 2,
    again: true,
  },
  {
    label: 'fixed 6/2s, 100 ms timer (drift)',
    limits: { ...fixed(6, 2), replenishmentTimerMs: 100 },
    window: 2.02,
    again: true,
  },
  {
    label: 'bucket 6, +3/2s, 100 ms timer, whole window',
    limits: {
      algorithm: 'token-bucket',
      permitLimit: 6,
      tokensPerPeriod: 3,
      replenishmentPeriodSeconds: 2,
      replenishmentTimerMs: 100,
      retryAfter: 'whole-window',
    },
    window: 2.02,
  },
  { label: 'fixed 6/2s, queue 3', limits: { ...fixed(6, 2), queueLimit: 3 }, window: 2 },
];

interface Row {
  setting: string;
  found: string;
  requests: number;
  seconds: number;
  limitOk: boolean;
  windowOk: boolean;
  algorithmOk: boolean;
  requestsOk: boolean;
  timeOk: boolean;
}

function judge(label: string, setting: Setting, result: ProbeResult, seconds: number): Row {
  const r = result.rateLimit;
  const limit = setting.limits.permitLimit;
  return {
    setting: label,
    found: `${r.limit ?? '-'} / ${r.windowSeconds ?? '-'} s / ${r.algorithm}${r.tokensPerPeriod ? ` +${r.tokensPerPeriod}` : ''}`,
    requests: r.requestsSent,
    seconds,
    limitOk: r.limit === limit,
    windowOk: r.windowSeconds !== null && Math.abs(r.windowSeconds - setting.window) <= 0.1 * setting.window,
    algorithmOk: r.algorithm === setting.limits.algorithm,
    requestsOk: r.requestsSent <= 2 * limit + 10,
    timeOk: seconds <= 2.5 * setting.window,
  };
}

async function probeOnce(api: RunningReferenceApi): Promise<{ result: ProbeResult; seconds: number }> {
  const started = performance.now();
  const result = await runProbe({ baseUrl: api.baseUrl, maxSeconds: 60 });
  return { result, seconds: (performance.now() - started) / 1000 };
}

const mark = (ok: boolean) => (ok ? 'yes' : 'NO');

async function main(): Promise<void> {
  console.log(`probe benchmark — load average ${loadavg()[0]?.toFixed(2)} at start\n`);
  const rows: Row[] = [];
  for (const setting of SETTINGS) {
    const api = await startReferenceApi({ limits: setting.limits, loadAccounts: 0 });
    try {
      const first = await probeOnce(api);
      rows.push(judge(setting.label, setting, first.result, first.seconds));
      if (setting.again) {
        const second = await probeOnce(api);
        rows.push(judge(`${setting.label} (again)`, setting, second.result, second.seconds));
      }
    } finally {
      await api.close();
    }
    const row = rows[rows.length - 1] as Row;
    process.stderr.write(`  ${row.setting}: ${row.found}\n`);
  }

  const header = [
    'setting',
    'found: limit / window / algorithm',
    'requests',
    'seconds',
    'limit',
    '±10 %',
    'algorithm',
    '≤2L+10',
    '≤2.5W',
  ];
  const lines = rows.map((r) => [
    r.setting,
    r.found,
    String(r.requests),
    r.seconds.toFixed(2),
    mark(r.limitOk),
    mark(r.windowOk),
    mark(r.algorithmOk),
    mark(r.requestsOk),
    mark(r.timeOk),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(format(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const line of lines) console.log(format(line));
  const all = rows.filter((r) => r.limitOk && r.windowOk && r.algorithmOk && r.requestsOk && r.timeOk).length;
  console.log(
    `\n${all}/${rows.length} settings met every goal (limit exact, window ±10 %, algorithm, ≤ 2L+10 requests, ≤ 2.5 windows)`,
  );
}

await main();
