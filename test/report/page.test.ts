import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeReports } from '../../src/report/write.ts';
import { CHROMIUM, haveChromium, launchChromium } from './browser.ts';
import { CHECK_COUNT, sampleGate, sampleK6Summary, samplePact, sampleProbe } from './sample.ts';
import { tempDirs } from './temp.ts';

const SCREENSHOT = fileURLToPath(new URL('../../reports/index.png', import.meta.url));
const tempDir = tempDirs('reports-page-');

/** The page-side globals the evaluate callbacks use; tsconfig has no DOM lib, by design. */
interface InPage {
  getComputedStyle(element: unknown): { color: string };
  document: {
    getElementById(id: string): {
      width: number;
      height: number;
      getContext(
        kind: '2d',
      ): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
    } | null;
  };
}

interface Opened {
  page: Page;
  consoleErrors: string[];
  blocked: string[];
}

describe.skipIf(!haveChromium)(`index.html in headless Chromium (${CHROMIUM})`, () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(dir: string): Promise<Opened> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.route('**', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    return { page, consoleErrors, blocked };
  }

  // One reports folder for the tests that only read it; each opens its own page.
  let full: Promise<string> | undefined;
  function fullReports(): Promise<string> {
    full ??= writeFull();
    return full;
  }
  async function writeFull(): Promise<string> {
    const dir = await tempDir();
    await mkdir(join(dir, 'pacts'));
    await writeFile(join(dir, 'pacts', 'client-api.json'), JSON.stringify(samplePact));
    await writeReports(sampleGate(), {
      dir,
      probe: sampleProbe,
      load: [{ run: 'smoke', summary: sampleK6Summary }],
    });
    return dir;
  }

  const visibleRows = (page: Page) => page.locator('table.checks tbody tr:visible').count();

  test('the page shows the verdict, every check, the pacts and both charts, fetching nothing', async () => {
    const { page, consoleErrors, blocked } = await open(await fullReports());

    await expect(page.locator('#verdict .verdict-word').textContent()).resolves.toBe('FAIL');
    expect(
      await page
        .locator('#verdict')
        .evaluate((el) => (globalThis as unknown as InPage).getComputedStyle(el).color),
    ).toBe('rgb(207, 34, 46)');
    expect(await page.locator('[data-count="failed"] .number').textContent()).toBe('2');
    expect(await page.locator('table.checks tbody tr').count()).toBe(CHECK_COUNT);
    expect(await visibleRows(page)).toBe(CHECK_COUNT);

    const interactions = await page.locator('#pacts table.interactions tbody tr').allTextContents();
    expect(interactions).toHaveLength(2);
    expect(interactions[1]).toContain('a refresh with the spent token');
    expect(interactions[1]).toContain('an account with a spent refresh token');
    expect(interactions[1]).toContain('POST /api/auth/refresh');
    expect(interactions[1]).toContain('401');

    expect(await page.locator('#rate-limit .probe-message').textContent()).toBe(
      '5 requests per 10 s (fixed-window)',
    );
    expect(await page.locator('#rate-limit .probe-facts').textContent()).toContain('limit5 requests');

    const charts = await page.evaluate(() => {
      const summary = (id: string) => {
        type ChartData = { labels?: unknown[]; datasets: { label: string; data: unknown[] }[] };
        const { Chart } = globalThis as unknown as {
          Chart: { getChart(id: string): { data: ChartData } | undefined };
        };
        const data = Chart.getChart(id)?.data;
        return {
          labels: data?.labels,
          datasets: data?.datasets.map((d) => ({ label: d.label, points: d.data.length })),
        };
      };
      return { probe: summary('probe-chart'), latency: summary('latency-chart') };
    });
    expect(charts.probe.datasets).toEqual([
      { label: 'HTTP 200', points: 10 },
      { label: 'HTTP 429', points: 4 },
    ]);
    expect(charts.latency.labels).toEqual(['login', 'refresh', 'myself']);
    expect(charts.latency.datasets).toEqual([
      { label: 'median', points: 3 },
      { label: 'p95', points: 3 },
      { label: 'p99', points: 3 },
    ]);

    // Drawn, not just configured: the status colours and the guide lines are on the canvas.
    const probePixels = await colouredPixels(page, 'probe-chart', ['#1a7f37', '#cf222e', '#0969da']);
    expect(probePixels['#1a7f37']).toBeGreaterThan(20); // 200 dots
    expect(probePixels['#cf222e']).toBeGreaterThan(20); // 429 dots and the limit line
    expect(probePixels['#0969da']).toBeGreaterThan(20); // window boundaries
    const latencyPixels = await colouredPixels(page, 'latency-chart', ['#54aeff', '#0969da', '#0a3069']);
    for (const colour of ['#54aeff', '#0969da', '#0a3069'])
      expect(latencyPixels[colour]).toBeGreaterThan(100);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(blocked).toEqual([]);
    await page.close();
  });

  test('the filters hide the rows that do not match', async () => {
    const { page, consoleErrors } = await open(await fullReports());
    await page.fill('#filter-text', 'spent');
    expect(await visibleRows(page)).toBe(2);
    expect(await page.locator('#filter-count').textContent()).toBe(`2 of ${CHECK_COUNT} checks`);
    await page.fill('#filter-text', '');

    await page.selectOption('#filter-status', 'skipped');
    expect(await visibleRows(page)).toBe(2);
    await page.selectOption('#filter-layer', 'verification');
    expect(await page.locator('table.checks tbody tr:visible').allTextContents()).toEqual([
      expect.stringContaining('verify.recover-password'),
    ]);
    await page.selectOption('#filter-status', '');
    await page.selectOption('#filter-layer', '');

    await page.selectOption('#filter-kind', 'security');
    expect(await visibleRows(page)).toBe(2);
    await page.fill('#filter-text', 'no such check anywhere');
    expect(await visibleRows(page)).toBe(0);
    expect(await page.locator('#no-match').isVisible()).toBe(true);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('failure details are shown as text, never run as markup', async () => {
    const { page } = await open(await fullReports());
    const reason = await page
      .locator('tr', { hasText: 'refresh.spent-token-rejected' })
      .locator('.reason')
      .textContent();
    expect(reason).toBe(`expected 401, got 200; answer was <b>"x" & 'y'</b> | </script><!-- \`tick\``);
    expect(await page.locator('.reason b').count()).toBe(0);
    await page.close();
  });

  test('without a probe or load run the page says how to get one and draws no chart', async () => {
    const dir = await tempDir();
    await writeReports(sampleGate(), { dir });
    const { page, consoleErrors } = await open(dir);
    expect(await page.locator('#rate-limit .note').textContent()).toBe(
      'no probe in this run: facilioo-auth probe (or, with k6, facilioo-auth load rate-limit-probe) is a run of its own, listed under Earlier runs',
    );
    expect(await page.locator('#latency .note').textContent()).toContain('no load in this run');
    expect(await page.locator('canvas').count()).toBe(0);
    expect(await page.locator('#verdict .verdict-word').textContent()).toBe('FAIL');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});

/** Counts canvas pixels within a small distance of each colour (anti-aliasing blurs edges). */
async function colouredPixels(
  page: Page,
  canvasId: string,
  colours: string[],
): Promise<Record<string, number>> {
  return page.evaluate(
    ({ canvasId, colours }) => {
      const canvas = (globalThis as unknown as InPage).document.getElementById(canvasId)!;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const targets = colours.map((hex) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)));
      const counts = Object.fromEntries(colours.map((colour) => [colour, 0]));
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! < 200) continue;
        targets.forEach((rgb, index) => {
          const close = rgb.every((value, channel) => Math.abs(value - data[i + channel]!) <= 12);
          if (close) counts[colours[index]!]! += 1;
        });
      }
      return counts;
    },
    { canvasId, colours },
  );
}
