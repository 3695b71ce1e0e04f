// summary.md tells a person the verdict first, then what failed, what was found and what was
// skipped and why, with every cell escaped so a server's answer cannot break the table.
import { describe, expect, test } from 'vitest';
import { renderMarkdown, verdictLine } from '../../src/report/markdown.ts';
import { mergeLayers } from '../../src/report/merge.ts';
import { contractsLayer, STARTED_AT, sampleGate } from './sample.ts';

describe('summary.md', () => {
  const md = renderMarkdown(sampleGate());

  test('the verdict comes first and says how many checks failed the gate', () => {
    expect(md.split('\n')[0]).toBe('## facilioo auth gate: FAIL');
    expect(md).toContain('**❌ FAIL: 1 check failed the gate; 1 security finding (not gating)**');
  });

  test('the counts row holds passed, failed, skipped and findings', () => {
    expect(md).toContain(
      '| passed | failed | skipped | security findings |\n|---:|---:|---:|---:|\n| 4 | 2 | 2 | 1 |',
    );
  });

  test('each layer gets its own table with every check', () => {
    expect(md).toContain('### contracts: 2 passed, 0 failed, 0 skipped');
    expect(md).toContain('### verification: 0 passed, 0 failed, 1 skipped');
    expect(md).toContain('### scenarios: 2 passed, 2 failed, 1 skipped');
    expect(md).toContain(
      '| ✅ passed | `login.issues-token-pair` | contract | login returns an access and a refresh token | 12 ms |',
    );
    expect(md.match(/^\| (✅|❌|⏭️)/gm)).toHaveLength(8);
  });

  test('findings list severity and references', () => {
    const section = md.slice(md.indexOf('### Security findings'), md.indexOf('### contracts'));
    expect(section).toContain('They do not fail the gate unless it runs with `--strict-security`');
    expect(section).toContain(
      '| high | `refresh.reuse-revokes-family` | reusing a spent refresh token revokes the whole token family | RFC 9700 §4.14.2 |',
    );
    // a passed security check is not a finding
    expect(section).not.toContain('jwt.alg-none-rejected');
  });

  test('skipped checks are listed with their reasons', () => {
    const section = md.slice(md.indexOf('### Skipped checks'));
    expect(section).toContain('| verification | `verify.recover-password` | the target has no mailbox |');
    expect(section).toContain(
      '| scenarios | `unblock.other-company-forbidden` | the target has no otherCompanyPropertyManagementCompany account |',
    );
  });

  test('cells escape pipes, HTML and newlines', () => {
    const failure = md.split('\n').find((line) => line.includes('refresh.spent-token-rejected'))!;
    expect(failure).toContain(
      '&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt; \\| &lt;/script&gt;&lt;!-- \\`tick\\`',
    );
    expect(failure).not.toContain('<b>');
    const gate = mergeLayers(
      [
        {
          ...contractsLayer,
          checks: [{ ...contractsLayer.checks[0]!, status: 'failed', reason: 'line one\nline two' }],
        },
      ],
      { strictSecurity: false, target: contractsLayer.target, startedAt: STARTED_AT },
    );
    expect(renderMarkdown(gate)).toContain('line one<br>line two');
  });

  test('a pass with findings says the findings do not gate', () => {
    const gate = { ...sampleGate(), verdict: 'pass' as const };
    expect(verdictLine(gate)).toBe(
      '✅ PASS with 1 security finding (not gating; `--strict-security` makes them fail the run)',
    );
    expect(verdictLine({ ...gate, counts: { ...gate.counts, findings: 0 } })).toBe(
      '✅ PASS: no contract or behaviour check failed',
    );
  });

  test('under strict security a finding counts among the failures', () => {
    expect(verdictLine(sampleGate(true))).toBe('❌ FAIL: 2 checks failed the gate');
    expect(renderMarkdown(sampleGate(true))).toContain(
      'Strict security is on: each finding below fails the gate.',
    );
  });
});
