/**
 * What index.html shows besides the checks: pact files, the rate-limit probe's result and k6
 * summaries. Other tools write them, possibly from an older run or not at all, so a missing or
 * odd file becomes a note on the page, never a failed report.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Threshold } from './types.ts';

export interface PactInteractionView {
  description: string;
  providerStates: string[];
  method: string;
  path: string;
  status: number | undefined;
}

export interface PactView {
  file: string;
  consumer: string;
  provider: string;
  specification: string | undefined;
  interactions: PactInteractionView[];
}

/** `reports/load/rate-limit-probe.json`, as the probe writes it. */
export interface ProbeResult {
  rateLimit: {
    endpoint: string;
    limit: number | null;
    windowSeconds: number | null;
    rejectStatus: number | null;
    retryAfterSeconds: number | null;
    algorithm: string | null;
    requestsSent: number;
    /** The probe's own one-line summary, its caveats and why it stopped, when it gives them. */
    message?: string;
    notes?: string[];
    stoppedBecause?: string;
  };
  /** One point per request: ms since the probe started and the status it got (0: no answer). */
  timeline?: { t: number; status: number }[];
}

export interface LatencyRow {
  /** The k6 summary the row comes from, e.g. `smoke` for `smoke-summary.json`. */
  run: string;
  endpoint: string;
  med: number | undefined;
  avg: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
}

/** Where each input came from, or why it is absent; shown on the page. */
export interface InputNote {
  input: 'pacts' | 'probe' | 'load';
  message: string;
}

export async function readPacts(pactDir: string, notes: InputNote[]): Promise<PactView[]> {
  let names: string[];
  try {
    names = (await readdir(pactDir)).filter((name) => name.endsWith('.json')).sort();
  } catch {
    notes.push({
      input: 'pacts',
      message: `no pact files yet in ${pactDir}: \`facilioo-auth contracts\` writes them`,
    });
    return [];
  }
  const pacts: PactView[] = [];
  for (const name of names) {
    const file = join(pactDir, name);
    try {
      pacts.push(toPactView(name, JSON.parse(await readFile(file, 'utf8'))));
    } catch (error) {
      notes.push({ input: 'pacts', message: `${file} was left out: ${describe(error)}` });
    }
  }
  if (names.length === 0) {
    notes.push({
      input: 'pacts',
      message: `no pact files yet in ${pactDir}: \`facilioo-auth contracts\` writes them`,
    });
  }
  return pacts;
}

function toPactView(file: string, json: unknown): PactView {
  const pact = record(json, 'the file');
  const interactions = Array.isArray(pact.interactions) ? pact.interactions : [];
  const metadata = isRecord(pact.metadata) ? pact.metadata : {};
  const spec = isRecord(metadata.pactSpecification) ? metadata.pactSpecification.version : undefined;
  return {
    file,
    consumer: nameOf(pact.consumer, 'consumer'),
    provider: nameOf(pact.provider, 'provider'),
    specification: typeof spec === 'string' ? spec : undefined,
    interactions: interactions.map((raw: unknown, index: number) => {
      const interaction = record(raw, `interaction ${index}`);
      const request = isRecord(interaction.request) ? interaction.request : {};
      const response = isRecord(interaction.response) ? interaction.response : {};
      return {
        description: String(interaction.description ?? `interaction ${index + 1}`),
        providerStates: providerStates(interaction),
        method: String(request.method ?? '?').toUpperCase(),
        path: String(request.path ?? '?'),
        status: typeof response.status === 'number' ? response.status : undefined,
      };
    }),
  };
}

// Pact v2 names one state (`providerState`); v3 and v4 list states with parameters.
function providerStates(interaction: Record<string, unknown>): string[] {
  if (Array.isArray(interaction.providerStates)) {
    return interaction.providerStates.map((state: unknown) => {
      if (!isRecord(state)) return String(state);
      const params =
        isRecord(state.params) && Object.keys(state.params).length > 0 ? state.params : undefined;
      return params ? `${String(state.name)} ${JSON.stringify(params)}` : String(state.name);
    });
  }
  return typeof interaction.providerState === 'string' ? [interaction.providerState] : [];
}

export async function readProbe(file: string, notes: InputNote[]): Promise<ProbeResult | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    notes.push({
      input: 'probe',
      message:
        'no probe in this run: `facilioo-auth probe` (or, with k6, `facilioo-auth load rate-limit-probe`) is a run of its own, listed under Earlier runs',
    });
    return undefined;
  }
  try {
    return toProbe(JSON.parse(text));
  } catch (error) {
    notes.push({ input: 'probe', message: `${file} was left out: ${describe(error)}` });
    return undefined;
  }
}

export function toProbe(json: unknown): ProbeResult {
  const rateLimit = record(record(json, 'the file').rateLimit, 'rateLimit');
  const num = (key: string) => {
    const value = rateLimit[key];
    if (value === null || value === undefined) return null;
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new Error(`rateLimit.${key} is not a number`);
    return value;
  };
  const timeline = record(json, 'the file').timeline;
  return {
    rateLimit: {
      endpoint: String(rateLimit.endpoint ?? 'unknown endpoint'),
      limit: num('limit'),
      windowSeconds: num('windowSeconds'),
      rejectStatus: num('rejectStatus'),
      retryAfterSeconds: num('retryAfterSeconds'),
      algorithm: typeof rateLimit.algorithm === 'string' ? rateLimit.algorithm : null,
      requestsSent: num('requestsSent') ?? 0,
      ...(typeof rateLimit.message === 'string' ? { message: rateLimit.message } : {}),
      ...(Array.isArray(rateLimit.notes) ? { notes: rateLimit.notes.map(String) } : {}),
      ...(typeof rateLimit.stoppedBecause === 'string' ? { stoppedBecause: rateLimit.stoppedBecause } : {}),
    },
    ...(Array.isArray(timeline)
      ? {
          timeline: timeline
            .filter(isRecord)
            .filter((point) => typeof point.t === 'number' && typeof point.status === 'number')
            .map((point) => ({ t: point.t as number, status: point.status as number })),
        }
      : {}),
  };
}

const SUMMARY_SUFFIX = '-summary.json';
const DURATION_METRIC = /^http_req_duration\{(.+)\}$/;

export async function readLoadSummaries(loadDir: string, notes: InputNote[]): Promise<LatencyRow[]> {
  let names: string[];
  try {
    names = (await readdir(loadDir)).filter((name) => name.endsWith(SUMMARY_SUFFIX)).sort();
  } catch {
    names = [];
  }
  const rows: LatencyRow[] = [];
  for (const name of names) {
    const file = join(loadDir, name);
    try {
      rows.push(...latencyRows(basename(name, SUMMARY_SUFFIX), JSON.parse(await readFile(file, 'utf8'))));
    } catch (error) {
      notes.push({ input: 'load', message: `${file} was left out: ${describe(error)}` });
    }
  }
  if (rows.length === 0) {
    notes.push({
      input: 'load',
      message:
        names.length === 0
          ? 'no load in this run: `facilioo-auth load <script> --profile smoke` writes reports/load/<run>-summary.json'
          : 'the k6 summaries hold no per-endpoint `http_req_duration{endpoint:…}` metrics',
    });
  }
  return rows;
}

/**
 * Accepts both k6 shapes: `handleSummary` data (`metrics[name].values['p(95)']`) and the flat
 * `--summary-export` file (`metrics[name]['p(95)']`).
 */
export function latencyRows(run: string, json: unknown): LatencyRow[] {
  const metrics = record(record(json, 'the file').metrics, 'metrics');
  const rows: LatencyRow[] = [];
  for (const [name, metric] of Object.entries(metrics)) {
    const endpoint = endpointOf(DURATION_METRIC.exec(name)?.[1]);
    if (!endpoint || !isRecord(metric)) continue;
    const values = isRecord(metric.values) ? metric.values : metric;
    const n = (key: string) => (typeof values[key] === 'number' ? (values[key] as number) : undefined);
    rows.push({
      run,
      endpoint,
      med: n('med'),
      avg: n('avg'),
      p95: n('p(95)'),
      p99: n('p(99)'),
    });
  }
  return rows;
}

// `endpoint:login` → `login`; further tags stay visible (`login status:200`). Sub-metrics without
// an endpoint tag (k6's own `expected_response:true`) are not per-endpoint and are left out.
function endpointOf(tags: string | undefined): string | undefined {
  if (!tags) return undefined;
  const parts = tags.split(',');
  const endpoint = parts.find((part) => part.startsWith('endpoint:'));
  if (!endpoint) return undefined;
  const rest = parts.filter((part) => part !== endpoint);
  return [endpoint.slice('endpoint:'.length), ...rest].join(' ');
}

function nameOf(party: unknown, fallback: string): string {
  return isRecord(party) && typeof party.name === 'string' ? party.name : `unnamed ${fallback}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`${what} is not a JSON object`);
  return value;
}

function describe(error: unknown): string {
  return error instanceof SyntaxError
    ? 'not valid JSON'
    : error instanceof Error
      ? error.message
      : String(error);
}

const THRESHOLDS_SUFFIX = '-thresholds.json';

/**
 * `<run>-thresholds.json` files the load harness writes next to each k6 summary:
 * `{ thresholds: [{ metric, expression, ok, value }] }`. Only the run's own folder is read.
 */
export async function readThresholds(
  loadDir: string,
  notes: InputNote[],
  only?: readonly string[],
): Promise<Threshold[]> {
  let names: string[];
  try {
    names = (await readdir(loadDir)).filter((name) => name.endsWith(THRESHOLDS_SUFFIX)).sort();
  } catch {
    return [];
  }
  if (only) names = names.filter((name) => only.some((file) => basename(file) === name));
  const thresholds: Threshold[] = [];
  for (const name of names) {
    const file = join(loadDir, name);
    try {
      const json = record(JSON.parse(await readFile(file, 'utf8')), 'the file');
      if (!Array.isArray(json.thresholds)) throw new Error('thresholds is not a list');
      for (const raw of json.thresholds) {
        const entry = record(raw, 'a threshold');
        thresholds.push({
          run: basename(name, THRESHOLDS_SUFFIX),
          metric: String(entry.metric ?? '?'),
          expression: String(entry.expression ?? '?'),
          ok: entry.ok === true,
          value: typeof entry.value === 'number' && Number.isFinite(entry.value) ? entry.value : null,
        });
      }
    } catch (error) {
      notes.push({ input: 'load', message: `${file} was left out: ${describe(error)}` });
    }
  }
  return thresholds;
}

/**
 * Where the limiter's window began, in ms on the probe's clock (0 = its first request; negative
 * when the window opened before the probe started): a readmission after a rejection marks a
 * window boundary, and whole windows before it reach back to the first request.
 */
export function windowStartMs(probe: ProbeResult): number | null {
  const { windowSeconds, rejectStatus } = probe.rateLimit;
  const timeline = probe.timeline ?? [];
  if (windowSeconds === null || windowSeconds <= 0 || rejectStatus === null || timeline.length === 0)
    return null;
  const windowMs = windowSeconds * 1000;
  const first = timeline[0]!.t;
  let rejected = false;
  for (const point of timeline) {
    if (point.status === rejectStatus) rejected = true;
    else if (rejected && point.status >= 200 && point.status < 300) {
      return point.t - Math.ceil((point.t - first) / windowMs) * windowMs;
    }
  }
  return null;
}
