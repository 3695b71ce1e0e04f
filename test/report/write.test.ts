// writeReports leaves a complete, consistent reports/ folder: the machine-readable summary, the
// human one, JUnit per layer (a layer's own fresh file wins) and the page, with no temp files.
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { writeReports } from '../../src/report/write.ts';
import { sampleGate, sampleK6Summary, samplePact, sampleProbe } from './sample.ts';
import { tempDirs } from './temp.ts';

const reportsDir = tempDirs('reports-write-');

async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe('writeReports', () => {
  test('writes summary.json, summary.md, a JUnit file per layer and index.html, and nothing else', async () => {
    const dir = await reportsDir();
    const { files } = await writeReports(sampleGate(), { dir });
    expect(await tree(dir)).toEqual([
      'contracts/junit.xml',
      'index.html',
      'scenarios/junit.xml',
      'summary.json',
      'summary.md',
      'verification/junit.xml',
    ]);
    expect(files).toHaveLength(6);
  });

  test('summary.json holds the gate report as merged', async () => {
    const dir = await reportsDir();
    await writeReports(sampleGate(), { dir });
    expect(JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'))).toEqual(sampleGate());
  });

  test('summary.md is appended to the step summary file, after what is already there', async () => {
    const dir = await reportsDir();
    const stepSummary = join(dir, 'step-summary.md');
    await writeFile(stepSummary, '# earlier step\n');
    await writeReports(sampleGate(), { dir, githubStepSummary: stepSummary });
    const md = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(await readFile(stepSummary, 'utf8')).toBe(`# earlier step\n${md}\n`);
  });

  test("a layer's own JUnit file from this run is kept; a stale one is replaced", async () => {
    const dir = await reportsDir();
    const gate = { ...sampleGate(), startedAt: new Date(Date.now() - 60_000).toISOString() };
    const own = '<?xml version="1.0"?><testsuites name="vitest"/>';
    await mkdir(join(dir, 'scenarios'), { recursive: true });
    await mkdir(join(dir, 'contracts'), { recursive: true });
    await writeFile(join(dir, 'scenarios', 'junit.xml'), own);
    await writeFile(join(dir, 'contracts', 'junit.xml'), own);
    const beforeTheRun = new Date(Date.parse(gate.startedAt) - 60_000);
    await utimes(join(dir, 'contracts', 'junit.xml'), beforeTheRun, beforeTheRun);

    await writeReports(gate, { dir });
    expect(await readFile(join(dir, 'scenarios', 'junit.xml'), 'utf8')).toBe(own);
    expect(await readFile(join(dir, 'contracts', 'junit.xml'), 'utf8')).toContain('facilioo-auth.contracts');
  });

  test('writing twice in one run replaces our own JUnit files', async () => {
    const dir = await reportsDir();
    const gate = { ...sampleGate(), startedAt: new Date(Date.now() - 1000).toISOString() };
    await writeReports(gate, { dir });
    const renamed = { ...gate, target: { ...gate.target, name: 'second-run' } };
    renamed.layers = renamed.layers.map((layer) => ({ ...layer, target: renamed.target }));
    await writeReports(renamed, { dir });
    expect(await readFile(join(dir, 'contracts', 'junit.xml'), 'utf8')).toContain('value="second-run"');
  });

  test('the page lists the pacts, the probe and the latencies it was given', async () => {
    const dir = await reportsDir();
    await mkdir(join(dir, 'pacts'));
    await writeFile(join(dir, 'pacts', 'client-api.json'), JSON.stringify(samplePact));
    const { notes } = await writeReports(sampleGate(), {
      dir,
      probe: sampleProbe,
      load: [{ run: 'smoke', summary: sampleK6Summary }],
    });
    expect(notes).toEqual([]);
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('a refresh with the spent token');
    expect(html).toContain('<canvas id="probe-chart"');
    expect(html).toContain('<canvas id="latency-chart"');
  });

  test('without probe and load results the page says how to produce them', async () => {
    const dir = await reportsDir();
    const { notes } = await writeReports(sampleGate(), { dir });
    expect(notes.map((note) => note.input)).toEqual(['pacts', 'probe', 'load']);
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toContain(
      'no probe in this run: <code>facilioo-auth probe</code> (or, with k6, <code>facilioo-auth load rate-limit-probe</code>) is a run of its own, listed under Earlier runs',
    );
    expect(html).not.toContain('<canvas');
  });

  test('hostile text is escaped in the HTML and cannot close the data script', async () => {
    const dir = await reportsDir();
    await writeReports(sampleGate(), { dir });
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toContain(
      'answer was &lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt; | &lt;/script&gt;&lt;!--',
    );
    expect(html).not.toContain('<b>"x"');
    const data = html.slice(html.indexOf('<script type="application/json" id="report-data">'));
    const block = data.slice(0, data.indexOf('</script>'));
    expect(block).toContain('\\u003c/script>\\u003c!--');
    const json = JSON.parse(block.slice(block.indexOf('>') + 1));
    expect(json.gate).toEqual(sampleGate());
  });

  test('the page inlines Chart.js and fetches nothing', async () => {
    const dir = await reportsDir();
    await writeReports(sampleGate(), { dir });
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('Chart.js v4');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|sourceMappingURL/);
    expect(html).toContain("default-src 'none'");
  });
});
