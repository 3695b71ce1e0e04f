/**
 * handleSummary() helpers: every script writes its k6 summary JSON to `reports/load/`, a
 * thresholds file the gate's report reads (`<name>-thresholds.json`: each threshold's pass/fail
 * and the value it judged), and prints a short text summary (k6's own text summary lives in a
 * remote jslib, which core-only scripts cannot import). Thresholds come first: they decide the run.
 */

interface MetricSummary {
  type?: string;
  values?: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryData {
  metrics?: Record<string, MetricSummary>;
  setup_data?: unknown;
  [key: string]: unknown;
}

function format(value: number | undefined): string {
  if (value === undefined) return '-';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** Thresholds (✓/✗) and the main figure of each metric. */
export function textSummary(data: SummaryData, title: string): string {
  const lines = [`\n${title}`];
  const metrics = data.metrics ?? {};
  const names = Object.keys(metrics).sort();
  const failed: string[] = [];
  for (const name of names) {
    for (const [expression, result] of Object.entries(metrics[name]?.thresholds ?? {})) {
      lines.push(`  ${result.ok ? '✓' : '✗'} ${name}: ${expression}`);
      if (!result.ok) failed.push(`${name}: ${expression}`);
    }
  }
  lines.push('');
  for (const name of names) {
    const values = metrics[name]?.values ?? {};
    const shown =
      metrics[name]?.type === 'trend'
        ? `avg=${format(values.avg)} p(95)=${format(values['p(95)'])} p(99)=${format(values['p(99)'])}`
        : metrics[name]?.type === 'rate'
          ? `rate=${format(values.rate)}`
          : `count=${format(values.count ?? values.value)}`;
    lines.push(`  ${name.padEnd(48)} ${shown}`);
  }
  lines.push('', failed.length ? `${failed.length} threshold(s) failed` : 'all thresholds passed', '');
  return lines.join('\n');
}

export interface ThresholdResult {
  /** The metric as k6 names it, submetric tags included: `http_req_duration{endpoint:login}`. */
  metric: string;
  expression: string;
  ok: boolean;
  /** The figure the expression judged (`p(95)` for `p(95)<800`, `rate`, `count`, ...), if known. */
  value: number | null;
}

export interface ThresholdsFile {
  run: string;
  passed: boolean;
  thresholds: ThresholdResult[];
}

/** The aggregation an expression reads: `p(95)<800` → `p(95)`, `rate<0.01` → `rate`. */
function judged(expression: string): string {
  return /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)/.exec(expression)?.[1] ?? expression;
}

export function thresholdResults(data: SummaryData, run: string): ThresholdsFile {
  const thresholds: ThresholdResult[] = [];
  for (const [metric, summary] of Object.entries(data.metrics ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [expression, result] of Object.entries(summary?.thresholds ?? {})) {
      const values = summary?.values ?? {};
      const key = judged(expression);
      const value = values[key] ?? (key === 'count' ? values.value : undefined);
      thresholds.push({ metric, expression, ok: result.ok, value: value ?? null });
    }
  }
  return { run, passed: thresholds.every((t) => t.ok), thresholds };
}

/** Files for handleSummary: `<dir>/<name>-summary.json`, `-thresholds.json`, anything extra, stdout. */
export function summaryOutputs(
  data: SummaryData,
  reportDir: string,
  name: string,
  extra: Record<string, string> = {},
  preface = '',
): Record<string, string> {
  return {
    [`${reportDir}/${name}-summary.json`]: JSON.stringify(data, null, 2),
    [`${reportDir}/${name}-thresholds.json`]: `${JSON.stringify(thresholdResults(data, name), null, 2)}\n`,
    ...extra,
    stdout: preface + textSummary(data, name),
  };
}
