/**
 * handleSummary() helpers: every script writes its k6 summary JSON to `reports/load/` and prints
 * a short text summary (k6's own text summary lives in a remote jslib, which core-only scripts
 * cannot import). Thresholds are listed first because they decide the run.
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

/** Files for handleSummary: `<dir>/<name>-summary.json` plus anything extra, and stdout. */
export function summaryOutputs(
  data: SummaryData,
  reportDir: string,
  name: string,
  extra: Record<string, string> = {},
  preface = '',
): Record<string, string> {
  return {
    [`${reportDir}/${name}-summary.json`]: JSON.stringify(data, null, 2),
    ...extra,
    stdout: preface + textSummary(data, name),
  };
}
