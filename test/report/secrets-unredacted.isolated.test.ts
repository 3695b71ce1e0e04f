// The secret scan can fail: with redaction switched off, the same leaky run puts every planted
// secret into the reports and the scan names each one, by hint, never by value.
import { join } from 'node:path';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { scanForSecrets, secretHint } from '../../src/report/scan.ts';
import { writeReports } from '../../src/report/write.ts';
import { leakyGate, leakyProbe, PLANTED_SECRETS, writeLeakyPact } from './planted.ts';
import { tempDirs } from './temp.ts';

vi.mock('../../src/redact/index.ts', () => ({
  redactText: (text: string) => text,
  redactValue: (value: unknown) => structuredClone(value),
  registerSecret: () => undefined,
}));

const tempDir = tempDirs('reports-unredacted-');

describe('reports written with redaction bypassed', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
    const pactDir = await tempDir();
    await writeLeakyPact(pactDir);
    await writeReports(leakyGate(), { dir, pactDir, probe: leakyProbe });
  });

  test('the scan finds every planted secret', async () => {
    const findings = await scanForSecrets(dir, PLANTED_SECRETS);
    const found = new Set(findings.map((finding) => finding.secretHint));
    expect(found).toEqual(new Set(PLANTED_SECRETS.map(secretHint)));
  });

  test('the scan finds them in each kind of report, in that format’s spelling', async () => {
    const findings = await scanForSecrets(dir, PLANTED_SECRETS);
    const filesWith = (secret: string) =>
      findings
        .filter((f) => f.secretHint === secretHint(secret, PLANTED_SECRETS.indexOf(secret)))
        .map((f) => f.file);
    // The hostile password is written escaped everywhere (JSON \", XML &quot;, HTML &lt;).
    expect(filesWith(PLANTED_SECRETS[1]!).sort()).toEqual(
      ['index.html', join('scenarios', 'junit.xml'), 'summary.json', 'summary.md'].sort(),
    );
  });

  test('a finding names the file and a hint, never the secret', async () => {
    const findings = await scanForSecrets(dir, PLANTED_SECRETS);
    const text = JSON.stringify(findings);
    for (const secret of PLANTED_SECRETS) expect(text).not.toContain(secret);
    expect(findings[0]?.secretHint).toMatch(/^secret #\d+ \(\d+ chars, sha256 [0-9a-f]{8}…\)$/);
  });
});
