/**
 * index.html: one file a newcomer can open from a CI artifact with no network. Everything that
 * must be readable is rendered here as escaped HTML, so the page says the verdict even with
 * scripts off; the inlined script only filters the table and draws the charts from the JSON
 * block.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { escapeHtml as h, jsonForScript } from './escape.ts';
import { historySection, runLabel, thresholdTable } from './html-runs.ts';
import type { InputNote, LatencyRow, PactView, ProbeResult } from './inputs.ts';
import { bySeverity, verdictLine } from './markdown.ts';
import type { CheckResult, GateReport } from './types.ts';
import { failsRun, isFinding } from './types.ts';

export interface PageData {
  gate: GateReport;
  pacts: PactView[];
  probe: ProbeResult | undefined;
  latency: LatencyRow[];
  notes: InputNote[];
  generatedAt: string;
  /** Where the limiter's window began on the probe's clock (ms; negative: before its first request). */
  probeWindowStartMs?: number | null;
}

/**
 * Where the static assets go. They are spliced in after the page has been through redaction,
 * which is meant for data and must not rewrite code. Data cannot forge a slot: every `<` in it
 * is escaped.
 */
const SLOTS = {
  css: '<!--facilioo-auth:style-->',
  script: '<!--facilioo-auth:script-->',
  library: '<!--facilioo-auth:chart-library-->',
} as const;

const STATUS_ORDER = { failed: 0, skipped: 1, passed: 2 } as const;

export function renderHtml(data: PageData): string {
  const { gate } = data;
  const checks = gate.layers
    .flatMap((layer) => layer.checks)
    .map((check, index) => ({ check, index }))
    .sort((a, b) => STATUS_ORDER[a.check.status] - STATUS_ORDER[b.check.status] || a.index - b.index)
    .map(({ check }) => check);
  const verdictClass = gate.verdict === 'fail' ? 'fail' : gate.counts.findings > 0 ? 'pass-findings' : 'pass';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>facilioo auth gate: ${h(gate.verdict.toUpperCase())} · ${h(gate.target.name)}</title>
${SLOTS.css}
</head>
<body>
<header>
  <h1>facilioo authentication API: gate report</h1>
  <p class="intro">This page is the result of one run of the <code>facilioo-auth gate</code> command. It checked the
  facilioo authentication API (login, token refresh, password recovery and unblocking) at the target below in
  layers: <b>contracts</b> (what the client expects of each endpoint, recorded as pact files),
  <b>verification</b> (the target answering those pacts), <b>scenarios</b> (documented behaviour such as
  one-time refresh tokens and the five-strike recovery lockout) and, when run, <b>load</b>. A failed contract or
  behaviour check fails the gate; a failed security check is a <i>finding</i> that fails it only with
  <code>--strict-security</code>; a skipped check did not run, usually because the target lacks an account,
  mailbox or clock control it needs, and is never counted as passed. Secrets are redacted throughout.</p>
</header>
<main>
<section class="verdict ${verdictClass}" id="verdict" aria-label="verdict">
  <div class="verdict-word">${h(gate.verdict.toUpperCase())}</div>
  <div class="verdict-line">${h(plainVerdict(gate))}</div>
</section>
<section class="facts" aria-label="run">
  ${fact('target', `${gate.target.name}`, gate.target.baseUrl)}
  ${fact('started', gate.startedAt)}
  ${fact('took', `${(gate.durationMs / 1000).toFixed(1)} s`)}
  ${fact('strict security', gate.strictSecurity ? 'on' : 'off')}
</section>
<section class="counts" aria-label="counts">
  ${count('passed', gate.counts.passed)}
  ${count('failed', gate.counts.failed)}
  ${count('skipped', gate.counts.skipped)}
  ${count('findings', gate.counts.findings, 'security findings')}
</section>
${findingsSection(gate)}
${historySection(gate)}
<section id="checks">
  <h2>Checks</h2>
  <div class="filters" role="search">
    <label>Search <input id="filter-text" type="search" placeholder="id, rule or reason"></label>
    ${select(
      'layer',
      gate.layers.map((layer) => layer.layer),
    )}
    ${select('status', ['passed', 'failed', 'skipped'])}
    ${select('kind', ['contract', 'behaviour', 'security'])}
    <span id="filter-count" aria-live="polite">${checks.length} of ${checks.length} checks</span>
  </div>
  <table class="checks">
    <thead><tr><th>status</th><th>layer</th><th>kind</th><th>check</th><th class="num">time</th><th>details</th></tr></thead>
    <tbody>
${checks.map((check) => checkRow(check, gate.strictSecurity, traceBase(gate))).join('\n')}
    </tbody>
  </table>
  ${checks.length === 0 ? '<p class="note">No layer reported any check.</p>' : ''}
  <p class="note" id="no-match" hidden>No check matches the filter.</p>
</section>
<section id="pacts">
  <h2>Pact interactions</h2>
  <p class="explain">Each interaction is one request the client makes and the answer it relies on, recorded by the
  contract tests and replayed against the target by the verification layer. Provider states name what the target
  must hold before the request (for example, an account with a spent refresh token).</p>
  ${data.pacts.map(pactTable).join('\n')}
  ${notesFor(data.notes, 'pacts')}
</section>
<section id="rate-limit">
  <h2>Rate limit of ${h(data.probe?.rateLimit.endpoint ?? 'recover-password')}</h2>
  <p class="explain">The document names a rate-limit policy (<code>DefaultRateLimitAuth</code>) but gives no numbers.
  The probe sends a bounded number of requests and finds them out; each dot below is one request, placed by when it
  was sent and coloured by the status it got. The dashed lines mark the limit it found and the window length.</p>
  ${data.probe ? `<p class="run-label" id="probe-label">Probe of ${h(runLabel(gate))}</p>` : ''}
  ${probeFacts(data.probe)}
  ${data.probe?.timeline?.length ? `<div class="chart"><canvas id="probe-chart" role="img" aria-label="rate-limit probe requests over time, ${h(runLabel(gate))}"></canvas></div>` : ''}
  ${data.probe && !data.probe.timeline?.length ? '<p class="note">The probe result has no request timeline to draw.</p>' : ''}
  ${notesFor(data.notes, 'probe')}
</section>
<section id="latency">
  <h2>Load latency per endpoint</h2>
  <p class="explain">From the k6 summaries of the load runs: the median and the 95th and 99th percentile of request
  duration, per endpoint, in milliseconds. Thresholds on these decide whether a load run passes.</p>
  ${data.latency.length || gate.thresholds?.length ? `<p class="run-label">Load of ${h(runLabel(gate))}</p>` : ''}
  ${thresholdTable(gate.thresholds)}
  ${data.latency.length ? '<div class="chart"><canvas id="latency-chart" role="img" aria-label="latency percentiles per endpoint"></canvas></div>' : ''}
  ${latencyTable(data.latency)}
  ${notesFor(data.notes, 'load')}
</section>
</main>
<footer>Generated ${h(data.generatedAt)} by facilioo-auth. The same results: <code>summary.json</code>,
<code>summary.md</code>, <code>&lt;layer&gt;/junit.xml</code>, next to this file.</footer>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
${SLOTS.library}
${SLOTS.script}
</body>
</html>
`;
}

// The markdown verdict line uses backticks and emoji; the page shows the verdict word itself.
function plainVerdict(gate: GateReport): string {
  return verdictLine(gate)
    .replace(/^\S+\s(PASS|FAIL):?\s*/, '')
    .replace(/`/g, '');
}

function fact(label: string, value: string, detail?: string): string {
  return `<div class="fact"><span class="label">${h(label)}</span><span class="value">${h(value)}</span>${detail ? `<span class="detail">${h(detail)}</span>` : ''}</div>`;
}

function count(key: string, value: number, label = key): string {
  return `<div class="count count-${h(key)}${value > 0 ? ' nonzero' : ''}" data-count="${h(key)}"><span class="number">${value}</span><span class="label">${h(label)}</span></div>`;
}

function select(name: string, values: string[]): string {
  const options = [...new Set(values)].map((value) => `<option value="${h(value)}">${h(value)}</option>`);
  return `<label>${h(name)} <select id="filter-${h(name)}"><option value="">all</option>${options.join('')}</select></label>`;
}

// The root page sits two folders above the run's traces; the run's own page beside them.
function traceBase(gate: GateReport): string {
  return gate.history !== undefined && gate.run ? `${gate.run.dir}/` : '';
}

function checkRow(check: CheckResult, strictSecurity: boolean, base = ''): string {
  const gating = failsRun(check, strictSecurity);
  const statusLabel = isFinding(check) && !gating ? 'finding' : check.status;
  const kind = check.kind === 'security' && check.severity ? `security · ${check.severity}` : check.kind;
  const references = check.references?.length
    ? `<div class="refs">References: ${check.references.map((ref) => h(ref)).join(', ')}</div>`
    : '';
  const trace = check.trace
    ? `<div class="trace"><a href="${h(base + check.trace)}">request/response trace (redacted)</a></div>`
    : '';
  const reason = `${check.reason ? `<div class="reason">${h(check.reason)}</div>` : ''}${trace}`;
  return `      <tr data-layer="${h(check.layer)}" data-status="${h(check.status)}" data-kind="${h(check.kind)}" class="row-${h(statusLabel)}">
        <td><span class="badge badge-${h(statusLabel)}">${h(statusLabel)}</span></td>
        <td>${h(check.layer)}</td>
        <td>${h(kind)}</td>
        <td><div class="rule">${h(check.rule)}</div><code class="id">${h(check.id)}</code></td>
        <td class="num">${h(String(check.durationMs))} ms</td>
        <td>${reason}${references}</td>
      </tr>`;
}

function findingsSection(gate: GateReport): string {
  const findings = gate.layers
    .flatMap((layer) => layer.checks)
    .filter(isFinding)
    .sort(bySeverity);
  if (findings.length === 0) return '';
  const items = findings.map(
    (
      check,
    ) => `<li><span class="badge severity-${h(check.severity ?? 'unrated')}">${h(check.severity ?? 'unrated')}</span>
      <b>${h(check.rule)}</b> <code>${h(check.id)}</code>
      ${check.reason ? `<div class="reason">${h(check.reason)}</div>` : ''}
      ${check.references?.length ? `<div class="refs">References: ${check.references.map((ref) => h(ref)).join(', ')}</div>` : ''}</li>`,
  );
  return `<section id="findings">
  <h2>Security findings</h2>
  <p class="explain">${
    gate.strictSecurity
      ? 'Strict security is on, so each finding fails the gate.'
      : 'Expectations beyond the documented contract (RFC 9700, RFC 8725, OWASP). They do not fail the gate unless it runs with <code>--strict-security</code>.'
  }</p>
  <ul class="findings">${items.join('\n')}</ul>
</section>`;
}

function pactTable(pact: PactView): string {
  const rows = pact.interactions.map(
    (interaction) => `<tr>
        <td>${h(interaction.description)}</td>
        <td>${interaction.providerStates.length ? interaction.providerStates.map((state) => `<div>${h(state)}</div>`).join('') : '<span class="muted">none</span>'}</td>
        <td><code>${h(interaction.method)} ${h(interaction.path)}</code></td>
        <td class="num">${interaction.status === undefined ? '?' : h(String(interaction.status))}</td>
      </tr>`,
  );
  return `<div class="pact">
    <h3>${h(pact.consumer)} → ${h(pact.provider)} <span class="muted">${h(pact.file)}${pact.specification ? ` · pact v${h(pact.specification)}` : ''}</span></h3>
    <table class="interactions">
      <thead><tr><th>interaction</th><th>provider states</th><th>request</th><th class="num">response</th></tr></thead>
      <tbody>${rows.join('\n')}</tbody>
    </table>
  </div>`;
}

function probeFacts(probe: ProbeResult | undefined): string {
  if (!probe) return '';
  const r = probe.rateLimit;
  const unknown = 'not found';
  const facts = [
    ['limit', r.limit === null ? unknown : `${r.limit} requests`],
    ['window', r.windowSeconds === null ? unknown : `${round(r.windowSeconds)} s`],
    ['rejected with', r.rejectStatus === null ? unknown : `HTTP ${r.rejectStatus}`],
    ['Retry-After', r.retryAfterSeconds === null ? 'not sent' : `${round(r.retryAfterSeconds)} s`],
    ['algorithm', r.algorithm ?? 'undetermined'],
    ['requests spent', String(r.requestsSent)],
    ...(r.stoppedBecause ? [['stopped by', r.stoppedBecause]] : []),
  ];
  const headline = r.message ? `<p class="probe-message">${h(r.message)}</p>` : '';
  const notes = r.notes?.length
    ? `<ul class="probe-notes">${r.notes.map((note) => `<li>${h(note)}</li>`).join('')}</ul>`
    : '';
  return `${headline}<dl class="probe-facts">${facts.map(([k, v]) => `<div><dt>${h(k ?? '')}</dt><dd>${h(v ?? '')}</dd></div>`).join('')}</dl>${notes}`;
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}

function latencyTable(rows: LatencyRow[]): string {
  if (rows.length === 0) return '';
  const ms = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(1));
  return `<table class="latency">
    <thead><tr><th>run</th><th>endpoint</th><th class="num">median</th><th class="num">avg</th><th class="num">p95</th><th class="num">p99</th></tr></thead>
    <tbody>${rows
      .map(
        (row) =>
          `<tr><td>${h(row.run)}</td><td>${h(row.endpoint)}</td><td class="num">${ms(row.med)}</td><td class="num">${ms(row.avg)}</td><td class="num">${ms(row.p95)}</td><td class="num">${ms(row.p99)}</td></tr>`,
      )
      .join('')}</tbody>
  </table>`;
}

function notesFor(notes: InputNote[], input: InputNote['input']): string {
  return notes
    .filter((note) => note.input === input)
    .map((note) => `<p class="note">${codeSpans(note.message)}</p>`)
    .join('\n');
}

// Notes mark commands with backticks; escape first, then turn the pairs into <code>.
function codeSpans(text: string): string {
  return h(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

export type PageAssets = Record<keyof typeof SLOTS, string>;

/** The page's own CSS and script, and the Chart.js UMD build, as elements ready to inline. */
export async function loadPageAssets(): Promise<PageAssets> {
  const [css, script, library] = await Promise.all([
    readFile(new URL('./page/report.css', import.meta.url), 'utf8'),
    readFile(new URL('./page/report.js', import.meta.url), 'utf8'),
    readFile(chartLibraryPath(), 'utf8'),
  ]);
  return {
    css: `<style>${css.replace(/<\/style/gi, '<\\/style')}</style>`,
    script: inlineScript(script),
    library: inlineScript(library),
  };
}

export function fillAssetSlots(html: string, assets: PageAssets): string {
  let out = html;
  for (const key of Object.keys(SLOTS) as (keyof typeof SLOTS)[]) {
    // A function, not a string: the library's source contains `$&`-like sequences.
    out = out.replace(SLOTS[key], () => assets[key]);
  }
  return out;
}

// chart.js exports only its ESM/CJS entries; the UMD build sits next to them in dist/.
function chartLibraryPath(): string {
  return join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');
}

/**
 * A script element ends at the first `</script`, whatever the JS means; the source map comment
 * would make devtools fetch a file the artifact does not carry.
 */
export function inlineScript(source: string): string {
  const body = source.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n').replace(/<\/script/gi, '<\\/script');
  return `<script>${body}</script>`;
}
