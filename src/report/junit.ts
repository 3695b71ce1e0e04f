/**
 * JUnit XML, the one format every CI test view reads. A security finding is written as a
 * failure even when it does not gate the run: the file says what happened, the gate's exit
 * code says what it means (the failure's type tells the two apart).
 */
import { escapeXml as x } from './escape.ts';
import type { CheckResult, LayerReport } from './types.ts';

/** Tells our own JUnit files from those a layer wrote itself. */
export const JUNIT_MARK = '<!-- written by facilioo-auth from the layer summary -->';

export function renderJUnit(layer: LayerReport, options: { strictSecurity: boolean }): string {
  const tests = layer.checks.length;
  const failures = layer.checks.filter((check) => check.status === 'failed').length;
  const skipped = layer.checks.filter((check) => check.status === 'skipped').length;
  const suite = `facilioo-auth.${layer.layer}`;
  const counts = `tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${secs(layer.durationMs)}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    JUNIT_MARK,
    `<testsuites name="${x(suite)}" ${counts}>`,
    `  <testsuite name="${x(suite)}" ${counts} timestamp="${x(layer.startedAt)}">`,
    '    <properties>',
    `      <property name="target" value="${x(layer.target.name)}"/>`,
    `      <property name="baseUrl" value="${x(layer.target.baseUrl)}"/>`,
    '    </properties>',
    ...layer.checks.map((check) => testcase(suite, check, options.strictSecurity)),
    '  </testsuite>',
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

function testcase(suite: string, check: CheckResult, strictSecurity: boolean): string {
  const open = `    <testcase classname="${x(`${suite}.${check.kind}`)}" name="${x(`${check.id}: ${check.rule}`)}" time="${secs(check.durationMs)}"`;
  if (check.status === 'passed') return `${open}/>`;
  const reason = check.reason ?? '';
  let body: string;
  if (check.status === 'skipped') {
    body = `      <skipped message="${x(reason || 'skipped without a reason')}"/>`;
  } else {
    const type =
      check.kind === 'security'
        ? `security-finding/${check.severity ?? 'unrated'}${strictSecurity ? '' : ' (not gating)'}`
        : check.kind;
    const references = check.references?.length ? `\nReferences: ${check.references.join(', ')}` : '';
    body = `      <failure message="${x(firstLine(reason) || 'failed')}" type="${x(type)}">${x(reason + references)}</failure>`;
  }
  return `${open}>\n${body}\n    </testcase>`;
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}
