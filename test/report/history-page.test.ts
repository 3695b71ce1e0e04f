import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { probeReport, writeRun } from '../../src/report/runs.ts';
import type { GateReport } from '../../src/report/types.ts';
import { CHROMIUM, haveChromium, launchChromium } from './browser.ts';
import { sampleGate, sampleProbe } from './sample.ts';
import { tempDirs } from './temp.ts';

const tempDir = tempDirs('reports-history-');

interface ChartView {
  labels: unknown[] | undefined;
  datasets: { label: string; data: unknown[] }[];
  xMin: number | undefined;
}

describe.skipIf(!haveChromium)(`the history and a probe run in headless Chromium (${CHROMIUM})`, () => {
  let browser: Browser;
  let dir: string;
  let probeDir: string;
  beforeAll(async () => {
    browser = await launchChromium();
    dir = await tempDir();
    const target = { name: 'staging', baseUrl: 'https://staging.example.test' };
    const probe = await writeRun(
      probeReport(sampleProbe, { target, startedAt: '2026-11-28T07:00:00.000Z', durationMs: 12_345 }),
      { dir, kind: 'probe', probe: sampleProbe },
    );
    probeDir = probe.runDir;
    const gate = (startedAt: string, passed: number): GateReport => {
      const base = sampleGate();
      return { ...base, startedAt, counts: { ...base.counts, passed } };
    };
    await writeRun(gate('2026-11-28T08:00:00.000Z', 3), { dir, kind: 'gate' });
    await writeRun(gate('2026-11-28T09:00:00.000Z', 4), { dir, kind: 'gate' });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(file: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.route('**', (route) =>
      route.request().url().startsWith('file:') ? route.continue() : route.abort(),
    );
    await page.goto(pathToFileURL(file).href);
    return { page, errors };
  }

  const chart = (page: Page, id: string) =>
    page.evaluate((id) => {
      const { Chart } = globalThis as unknown as {
        Chart: {
          getChart(id: string):
            | {
                data: { labels?: unknown[]; datasets: { label: string; data: unknown[] }[] };
                scales: Record<string, { min: number }>;
              }
            | undefined;
        };
      };
      const found = Chart.getChart(id);
      return found
        ? ({
            labels: found.data.labels,
            datasets: found.data.datasets.map((d) => ({ label: d.label, data: d.data })),
            xMin: found.scales.x?.min,
          } satisfies ChartView)
        : undefined;
    }, id);

  test('the root page lists the earlier runs, newest first, each linking to its own page', async () => {
    const { page, errors } = await open(join(dir, 'index.html'));
    const rows = await page.locator('#history table.history tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/2026-11-28T08:00:00\.000Z\s*gate\s/);
    expect(rows[1]).toMatch(/2026-11-28T07:00:00\.000Z\s*probe\s*staging/);
    expect(rows[1]).toContain('12.3 s');
    await page.locator('#history a', { hasText: '2026-11-28T07:00:00.000Z' }).click();
    await expect(page.locator('#probe-label').textContent()).resolves.toBe(
      'Probe of target staging (https://staging.example.test), run started 2026-11-28T07:00:00.000Z',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the trend chart draws every run, oldest first, with this one last', async () => {
    const { page, errors } = await open(join(dir, 'index.html'));
    const trend = await chart(page, 'trend-chart');
    expect(trend?.labels).toHaveLength(3);
    expect(trend?.datasets.find((d) => d.label === 'passed')?.data).toEqual([1, 3, 4]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test("the probe chart is labelled and starts where the limiter's window opened, before t = 0", async () => {
    const { page, errors } = await open(join(probeDir, 'index.html'));
    expect(await page.locator('#probe-chart').getAttribute('aria-label')).toContain(
      'target staging (https://staging.example.test), run started 2026-11-28T07:00:00.000Z',
    );
    const probe = await chart(page, 'probe-chart');
    // Readmitted at 10.1 s with a 10 s window: the window the first request fell in opened at −9.9 s.
    expect(probe?.xMin).toBe(-10);
    expect(errors).toEqual([]);
    await page.close();
  });
});
