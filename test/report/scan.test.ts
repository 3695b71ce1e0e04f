// The secret scan looks everywhere under a folder and in every spelling a report format uses,
// and reports what it found without repeating it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { jsonForScript } from '../../src/report/escape.ts';
import { scanForSecrets, secretHint } from '../../src/report/scan.ts';
import { tempDirs } from './temp.ts';

const tempDir = tempDirs('report-scan-');
const SECRET = 'hunter2<"&>';

describe('scanForSecrets', () => {
  test('finds a secret in nested folders as JSON, HTML, XML and script-safe JSON would spell it', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'a', 'b'), { recursive: true });
    await writeFile(join(dir, 'a', 'b', 'x.json'), JSON.stringify({ reason: SECRET }));
    await writeFile(join(dir, 'page.html'), '<td>hunter2&lt;&quot;&amp;&gt;</td>');
    await writeFile(join(dir, 'junit.xml'), '<failure message="hunter2&lt;&quot;&amp;&gt;"/>');
    await writeFile(
      join(dir, 'data.html'),
      `<script type="application/json">${jsonForScript({ SECRET })}</script>`,
    );
    await writeFile(join(dir, 'clean.txt'), 'nothing here');
    const findings = await scanForSecrets(dir, [SECRET]);
    expect(findings.map((f) => f.file).sort()).toEqual([
      join('a', 'b', 'x.json'),
      'data.html',
      'junit.xml',
      'page.html',
    ]);
  });

  test('an empty secret matches nothing rather than everything', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'x.txt'), 'text');
    expect(await scanForSecrets(dir, [''])).toEqual([]);
  });

  test('the hint gives position, length and a hash prefix only', () => {
    expect(secretHint(SECRET, 1)).toMatch(/^secret #2 \(11 chars, sha256 [0-9a-f]{8}…\)$/);
    expect(secretHint(SECRET, 1)).not.toContain('hunter2');
  });
});
