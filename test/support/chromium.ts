import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { REPO_ROOT } from './shared-data.js';

/** Debian's chromium, the only browser the tests drive (never a downloaded one). */
export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

/** Browser tests skip without chromium, except in CI, where a missing browser must fail them. */
export const SKIP_BROWSER = !HAS_CHROMIUM && process.env['CI'] !== 'true';
if (SKIP_BROWSER) console.warn(`${CHROMIUM} not found: browser tests skipped (apt-get install chromium)`);

/** Screenshots for people to look at; the folder is git-ignored. */
export const SCREENSHOTS = join(REPO_ROOT, 'test-screenshots');

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Headless chromium on a fresh profile, with everything that would reach the network on its own turned off. */
export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'ets-chromium-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
