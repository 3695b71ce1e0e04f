/**
 * The one result shape every layer reports in. `reports/<layer>/summary.json` holds a
 * LayerReport; the gate merges them into `reports/summary.json` (a GateReport) and renders
 * `summary.md` and `index.html` from it. Everything in here has already been redacted.
 */
export type Layer = 'contracts' | 'verification' | 'scenarios' | 'load';
export type CheckKind = 'contract' | 'behaviour' | 'security';
export type CheckStatus = 'passed' | 'failed' | 'skipped';
export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface CheckResult {
  layer: Layer;
  /** Stable id, e.g. `refresh.spent-token-rejected`. */
  id: string;
  /** The rule, one line, as a sentence. */
  rule: string;
  kind: CheckKind;
  status: CheckStatus;
  durationMs: number;
  /** Why it was skipped, or what failed (redacted). */
  reason?: string;
  /** Security checks only: how bad a finding is. */
  severity?: Severity;
  /** Security checks only: where the rule comes from, e.g. `RFC 9700 §4.14.2`. */
  references?: string[];
  /** A failed check's redacted request/response trace, relative to its run folder. */
  trace?: string;
}

export interface LayerReport {
  layer: Layer;
  target: { name: string; baseUrl: string };
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
}

export interface GateReport {
  /** `pass` when no contract/behaviour check failed (and, under strict security, no finding). */
  verdict: 'pass' | 'fail';
  strictSecurity: boolean;
  target: { name: string; baseUrl: string };
  startedAt: string;
  durationMs: number;
  counts: { passed: number; failed: number; skipped: number; findings: number };
  layers: LayerReport[];
  /** The run folder this report belongs to (`runs/<time>-<target>`), once written as a run. */
  run?: { id: string; kind: RunKind; dir: string };
  /** Load thresholds of this run's k6 runs, each with its verdict and value. */
  thresholds?: Threshold[];
  /** Earlier runs, newest first (only in the reports root's summary.json). */
  history?: RunEntry[];
}

export type RunKind = 'gate' | 'probe' | 'load';

/** One k6 threshold as the load harness writes it (`<script>-thresholds.json`). */
export interface Threshold {
  /** The k6 run it belongs to, e.g. `auth-flow.smoke`. */
  run: string;
  metric: string;
  expression: string;
  ok: boolean;
  value: number | null;
}

/** A line of the history table: one earlier run. */
export interface RunEntry {
  id: string;
  kind: RunKind;
  /** The run's own index.html, relative to the reports root. */
  page: string;
  verdict: 'pass' | 'fail';
  target: { name: string; baseUrl: string };
  startedAt: string;
  durationMs: number;
  counts: GateReport['counts'];
}

/** A failed security check is a finding; it fails the run only under --strict-security. */
export function isFinding(check: CheckResult): boolean {
  return check.kind === 'security' && check.status === 'failed';
}

export function failsRun(check: CheckResult, strictSecurity: boolean): boolean {
  return check.status === 'failed' && (check.kind !== 'security' || strictSecurity);
}
