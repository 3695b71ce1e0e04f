// Nothing secret in any report: known passwords, tokens and recovery codes planted in a run's
// results appear in no file under reports/, in any spelling.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { scanForSecrets } from '../../src/report/scan.ts';
import { writeReports } from '../../src/report/write.ts';
import { leakyGate, leakyProbe, PLANTED_SECRETS, registerLikeARun, writeLeakyPact } from './planted.ts';
import { tempDirs } from './temp.ts';

const tempDir = tempDirs('reports-secrets-');

describe('reports written from a run that leaked secrets into its results', () => {
  let dir: string;
  beforeAll(async () => {
    registerLikeARun();
    dir = await tempDir();
    const pactDir = await tempDir();
    await writeLeakyPact(pactDir);
    await writeReports(leakyGate(), {
      dir,
      pactDir,
      probe: leakyProbe,
      githubStepSummary: join(dir, 'step-summary.md'),
    });
  });

  test('the planted secrets could not hide in the inlined chart library', async () => {
    // index.html inlines Chart.js; a secret that occurs in it by chance would be a false alarm.
    const library = await readFile(
      join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js'),
      'utf8',
    );
    for (const secret of PLANTED_SECRETS) expect(library.includes(secret)).toBe(false);
  });

  test('no file under reports/ contains any of them', async () => {
    expect(await scanForSecrets(dir, PLANTED_SECRETS)).toEqual([]);
  });

  test('the reports still say what failed, with the secrets masked', async () => {
    const md = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('login with [REDACTED] answered');
    expect(md).toContain('code [REDACTED] was accepted while blocked');
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('a login as [REDACTED]');
  });
});
