/**
 * The parts of index.html that place a run among others: the history table and trend chart of
 * earlier runs, and this run's load thresholds. Escaped HTML, like the rest of the page.
 */
import { escapeHtml as h } from './escape.ts';
import type { GateReport, RunEntry, Threshold } from './types.ts';

export function historySection(gate: GateReport): string {
  const history = gate.history;
  if (history === undefined) return '';
  const rows = history.map(
    (entry) => `<tr class="run-${h(entry.verdict)}">
        <td><a href="${h(entry.page)}">${h(entry.startedAt)}</a></td>
        <td>${h(entry.kind)}</td>
        <td>${h(entry.target.name)} <span class="muted">${h(entry.target.baseUrl)}</span></td>
        <td><span class="badge badge-${entry.verdict === 'pass' ? 'passed' : 'failed'}">${h(entry.verdict)}</span></td>
        <td class="num">${entry.counts.passed}</td>
        <td class="num">${entry.counts.failed}</td>
        <td class="num">${entry.counts.skipped}</td>
        <td class="num">${entry.counts.findings}</td>
        <td class="num">${(entry.durationMs / 1000).toFixed(1)} s</td>
      </tr>`,
  );
  const self = gate.run
    ? ` This run's own copy: <a href="${h(gate.run.dir)}/index.html">${h(gate.run.dir)}/</a>.`
    : '';
  return `<section id="history">
  <h2>Earlier runs</h2>
  <p class="explain">Each run keeps its own folder under <code>runs/</code>; this page always shows the latest one.${self}
  The chart shows how the counts moved from run to run, oldest on the left.</p>
  ${history.length > 1 ? '<div class="chart"><canvas id="trend-chart" role="img" aria-label="check counts per run"></canvas></div>' : ''}
  ${
    history.length === 0
      ? '<p class="note">No earlier run in this reports folder.</p>'
      : `<table class="history">
    <thead><tr><th>started</th><th>run</th><th>target</th><th>verdict</th><th class="num">passed</th><th class="num">failed</th><th class="num">skipped</th><th class="num">findings</th><th class="num">took</th></tr></thead>
    <tbody>
${rows.join('\n')}
    </tbody>
  </table>`
  }
</section>`;
}

export function thresholdTable(thresholds: readonly Threshold[] | undefined): string {
  if (!thresholds?.length) return '';
  const rows = thresholds.map(
    (t) =>
      `<tr class="row-${t.ok ? 'passed' : 'failed'}"><td><span class="badge badge-${t.ok ? 'passed' : 'failed'}">${t.ok ? 'pass' : 'fail'}</span></td><td>${h(t.run)}</td><td><code>${h(t.metric)}</code></td><td><code>${h(t.expression)}</code></td><td class="num">${t.value === null ? '–' : h(String(Math.round(t.value * 100) / 100))}</td></tr>`,
  );
  return `<table class="thresholds">
    <thead><tr><th>threshold</th><th>run</th><th>metric</th><th>expression</th><th class="num">value</th></tr></thead>
    <tbody>${rows.join('')}</tbody>
  </table>`;
}

/** Which run a probe or load result comes from: the page shows nothing from other runs. */
export function runLabel(gate: GateReport): string {
  return `target ${gate.target.name} (${gate.target.baseUrl}), run started ${gate.startedAt}`;
}

export type { RunEntry };
