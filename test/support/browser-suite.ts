import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, startWeb } from './browser';
import type { Harness } from './fixtures';

/** What a browser test file shares: one Chromium, one web app, the page errors its pages logged. */
export interface BrowserSuite {
  readonly browser: Browser;
  /** Console errors and uncaught exceptions of the file's pages (`watchErrors`); a last test asserts none. */
  readonly errors: string[];
  /** The web app's URL, started against the first harness that asks (the file's API). */
  webFor: (h: Harness) => Promise<string>;
}

/**
 * Registers the file's set-up: Chromium launched before its tests, the web app started on first use, both
 * stopped after them. Call it once at the top of a browser test file.
 */
export function browserSuite(): BrowserSuite {
  let browser: Browser | undefined;
  let web: Awaited<ReturnType<typeof startWeb>> | undefined;
  const errors: string[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });
  return {
    get browser() {
      if (!browser) throw new Error('Chromium is not launched yet: use the suite inside a test');
      return browser;
    },
    errors,
    webFor: async (h) => {
      web ??= await startWeb(h.apiUrl);
      return web.url;
    },
  };
}
