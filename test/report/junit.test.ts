// JUnit files must parse in any CI test view: well-formed XML, counts that match the testcases,
// and every server-supplied string escaped.
import { describe, expect, test } from 'vitest';
import { renderJUnit } from '../../src/report/junit.ts';
import { contractsLayer, scenariosLayer } from './sample.ts';
import { checkWellFormed } from './xml.ts';

describe('junit.xml', () => {
  const xml = renderJUnit(scenariosLayer, { strictSecurity: false });

  test('is well-formed with one testcase per check', () => {
    const elements = checkWellFormed(xml);
    expect(elements.get('testsuites')).toBe(1);
    expect(elements.get('testsuite')).toBe(1);
    expect(elements.get('testcase')).toBe(5);
    expect(elements.get('failure')).toBe(2);
    expect(elements.get('skipped')).toBe(1);
  });

  test('the suite counts match its testcases', () => {
    expect(xml).toContain(
      '<testsuite name="facilioo-auth.scenarios" tests="5" failures="2" errors="0" skipped="1" time="1.000"',
    );
  });

  test('the failure carries the reason, escaped', () => {
    expect(xml).toContain(
      'expected 401, got 200; answer was &lt;b&gt;&quot;x&quot; &amp; &apos;y&apos;&lt;/b&gt; | &lt;/script&gt;&lt;!-- `tick`</failure>',
    );
    expect(xml).not.toContain('<b>');
  });

  test('a skipped check carries its reason', () => {
    expect(xml).toContain(
      '<skipped message="the target has no otherCompanyPropertyManagementCompany account"/>',
    );
  });

  test('a finding says its severity, whether it gates and its references', () => {
    expect(xml).toContain('type="security-finding/high (not gating)"');
    expect(xml).toContain('References: RFC 9700 §4.14.2</failure>');
    expect(renderJUnit(scenariosLayer, { strictSecurity: true })).toContain('type="security-finding/high"');
  });

  test('control characters that XML forbids are replaced, not written', () => {
    const layer = {
      ...contractsLayer,
      checks: [
        { ...contractsLayer.checks[0]!, status: 'failed' as const, reason: 'binary \u0000\u001b garbage' },
      ],
    };
    const out = renderJUnit(layer, { strictSecurity: false });
    expect(() => checkWellFormed(out)).not.toThrow();
    expect(out).toContain('binary \uFFFD\uFFFD garbage');
  });

  test('the well-formedness check rejects what a JUnit reader would reject', () => {
    expect(() => checkWellFormed('<a><b></a></b>')).toThrow('closes');
    expect(() => checkWellFormed('<a>x & y</a>')).toThrow('bare &');
    expect(() => checkWellFormed('<a m="<"/>')).toThrow();
    expect(() => checkWellFormed('<a/><b/>')).toThrow('second root');
  });
});
