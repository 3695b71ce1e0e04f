/**
 * The real browser the report tests open pages in: Debian's chromium here; GitHub's runners ship
 * Google Chrome instead (ci.yml sets CHROMIUM_PATH). Without one the tests skip, saying so.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`browser tests skipped: ${CHROMIUM} is missing (Debian: apt-get install chromium)`);

/** Headless, without a sandbox (containers), and without anything that would reach the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
