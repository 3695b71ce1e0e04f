/**
 * summary.md: what a person reads first, in a terminal, in a pull request or in the GitHub step
 * summary. Verdict and what to look at come before the full tables.
 */
import { escapeMarkdownCell as cell } from './escape.ts';
import type { CheckResult, GateReport, LayerReport, Severity } from './types.ts';
import { failsRun, isFinding } from './types.ts';

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
const STATUS_ICON = { passed: '✅ passed', failed: '❌ failed', skipped: '⏭️ skipped' } as const;

export function verdictLine(gate: GateReport): string {
  const { counts } = gate;
  if (gate.verdict === 'fail') {
    const gating = gate.layers
      .flatMap((layer) => layer.checks)
      .filter((c) => failsRun(c, gate.strictSecurity));
    const findings =
      counts.findings > 0 && !gate.strictSecurity
        ? `; ${counts.findings} security ${plural(counts.findings, 'finding')} (not gating)`
        : '';
    return `❌ FAIL: ${gating.length} ${plural(gating.length, 'check')} failed the gate${findings}`;
  }
  if (counts.findings > 0 && !gate.strictSecurity) {
    return `✅ PASS with ${counts.findings} security ${plural(counts.findings, 'finding')} (not gating; \`--strict-security\` makes them fail the run)`;
  }
  return '✅ PASS: no contract or behaviour check failed';
}

export function renderMarkdown(gate: GateReport): string {
  const { counts } = gate;
  const checks = gate.layers.flatMap((layer) => layer.checks);
  const lines: string[] = [
    `## facilioo auth gate: ${gate.verdict.toUpperCase()}`,
    '',
    `**${verdictLine(gate)}**`,
    '',
    `Target **${cell(gate.target.name)}** (${cell(gate.target.baseUrl)}), started ${gate.startedAt}, took ${seconds(gate.durationMs)}; strict security ${gate.strictSecurity ? 'on' : 'off'}.`,
    '',
    '| passed | failed | skipped | security findings |',
    '|---:|---:|---:|---:|',
    `| ${counts.passed} | ${counts.failed} | ${counts.skipped} | ${counts.findings} |`,
    '',
  ];

  if (gate.run) lines.push(`This run's own reports: \`${gate.run.dir}/\`.`, '');

  const gating = checks.filter((check) => failsRun(check, gate.strictSecurity));
  if (gating.length > 0) {
    lines.push('### Failures', '', '| layer | check | rule | what happened |', '|---|---|---|---|');
    for (const check of gating) {
      lines.push(
        `| ${check.layer} | \`${cell(check.id)}\` | ${cell(check.rule)} | ${cell(check.reason ?? '')}${traceLink(gate, check)} |`,
      );
    }
    lines.push('');
  }

  const findings = checks.filter(isFinding).sort(bySeverity);
  if (findings.length > 0) {
    lines.push(
      '### Security findings',
      '',
      gate.strictSecurity
        ? 'Strict security is on: each finding below fails the gate.'
        : 'Expectations beyond the documented contract (RFC 9700, RFC 8725, OWASP). They do not fail the gate unless it runs with `--strict-security`.',
      '',
      '| severity | check | rule | references | details |',
      '|---|---|---|---|---|',
    );
    for (const check of findings) {
      lines.push(
        `| ${check.severity ?? 'unrated'} | \`${cell(check.id)}\` | ${cell(check.rule)} | ${cell((check.references ?? []).join(', '))} | ${cell(check.reason ?? '')} |`,
      );
    }
    lines.push('');
  }

  if (gate.thresholds?.length) {
    lines.push(
      `### Load thresholds (target ${cell(gate.target.name)}, run started ${gate.startedAt})`,
      '',
      '| threshold | run | metric | expression | value |',
      '|---|---|---|---|---:|',
    );
    for (const t of gate.thresholds) {
      lines.push(
        `| ${t.ok ? '✅ pass' : '❌ fail'} | ${cell(t.run)} | ${cell(t.metric)} | ${cell(t.expression)} | ${t.value === null ? '–' : Math.round(t.value * 100) / 100} |`,
      );
    }
    lines.push('');
  }

  for (const layer of gate.layers) lines.push(...layerTable(layer));

  const skipped = checks.filter((check) => check.status === 'skipped');
  if (skipped.length > 0) {
    lines.push(
      '### Skipped checks',
      '',
      'A skipped check was not run, usually because the target lacks what it needs. It is not a pass.',
      '',
      '| layer | check | reason |',
      '|---|---|---|',
    );
    for (const check of skipped) {
      lines.push(`| ${check.layer} | \`${cell(check.id)}\` | ${cell(check.reason ?? 'no reason given')} |`);
    }
    lines.push('');
  }
  lines.push(...historyTable(gate));
  return `${lines.join('\n')}\n`;
}

function traceLink(gate: GateReport, check: CheckResult): string {
  if (!check.trace) return '';
  const base = gate.history !== undefined && gate.run ? `${gate.run.dir}/` : '';
  return ` ([trace](${base}${check.trace}))`;
}

function historyTable(gate: GateReport): string[] {
  if (!gate.history?.length) return [];
  const lines = [
    '### Earlier runs',
    '',
    '| started | run | target | verdict | passed | failed | skipped | findings | took |',
    '|---|---|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const run of gate.history) {
    lines.push(
      `| [${run.startedAt}](${run.page}) | ${run.kind} | ${cell(run.target.name)} | ${run.verdict} | ${run.counts.passed} | ${run.counts.failed} | ${run.counts.skipped} | ${run.counts.findings} | ${seconds(run.durationMs)} |`,
    );
  }
  return [...lines, ''];
}

function layerTable(layer: LayerReport): string[] {
  const c = countBy(layer.checks);
  const lines = [
    `### ${layer.layer}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped (${seconds(layer.durationMs)})`,
    '',
  ];
  if (layer.checks.length === 0) return [...lines, '_This layer reported no checks._', ''];
  lines.push('| status | check | kind | rule | duration | details |', '|---|---|---|---|---:|---|');
  for (const check of layer.checks) {
    const kind = check.kind === 'security' && check.severity ? `security (${check.severity})` : check.kind;
    lines.push(
      `| ${STATUS_ICON[check.status]} | \`${cell(check.id)}\` | ${kind} | ${cell(check.rule)} | ${check.durationMs} ms | ${cell(check.reason ?? '')} |`,
    );
  }
  lines.push('');
  return lines;
}

function countBy(checks: readonly CheckResult[]) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const check of checks) counts[check.status] += 1;
  return counts;
}

export function bySeverity(a: CheckResult, b: CheckResult): number {
  const rank = (check: CheckResult) =>
    check.severity ? SEVERITY_ORDER.indexOf(check.severity) : SEVERITY_ORDER.length;
  return rank(a) - rank(b);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
