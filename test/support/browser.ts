import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from './processes';

const root = path.join(__dirname, '..', '..');
export const screenshotDir = path.join(root, 'test-artifacts', 'screenshots');

/** Debian's Chromium (apt-get install chromium); never a downloaded browser. */
export function chromiumPath(): string {
  const found = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
    encoding: 'utf8',
  });
  const executable = found.stdout.trim();
  if (!executable) throw new Error('Chromium is not installed: apt-get install chromium (.ci/run does)');
  return executable;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** The built web app (built here once if it never was), serving against `apiUrl`. */
export async function startWeb(
  apiUrl: string,
): Promise<{ url: string; stop(): Promise<void>; output(): string }> {
  if (!existsSync(path.join(root, 'web', '.next', 'BUILD_ID'))) {
    const build = spawnSync(process.execPath, [require.resolve('next/dist/bin/next'), 'build', 'web'], {
      cwd: root,
      stdio: 'inherit',
      timeout: 600_000,
    });
    if (build.status !== 0) throw new Error('next build web failed');
  }
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'web/server.ts'], {
    cwd: root,
    env: { ...process.env, LOCKSTEP_API_URL: apiUrl, WEB_PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the web app exited: ${output}`);
    const ok = await fetch(`${url}/login`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the web app did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A signed-in browser context: the token set as the web app's httpOnly cookie. */
export async function signedIn(browser: Browser, webUrl: string, token: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([
    { name: 'lockstep_token', value: token, url: webUrl, httpOnly: true, sameSite: 'Lax' },
  ]);
  return context;
}

/** Console errors and uncaught exceptions of a page, collected for a final "none" check. */
export function watchErrors(page: Page, errors: string[]): Page {
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}
