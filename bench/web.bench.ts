// The dashboard benchmark (`npm run bench:web`): prints figures, asserts nothing. See bench/README.md.
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { launchChromium, startWeb } from '../test/support/browser';
import { startReadOnlyApi } from './environment';
import { progress, runBench } from './runner';
import { ms, spread, table, type Spread } from './stats';
import type { Teardown } from './teardown';

const root = path.join(__dirname, '..');
const plan = {
  seedDays: 180,
  routes: [
    '/',
    '/pipelines',
    '/pipelines/new',
    '/deployments',
    '/deployments/manage',
    '/services',
    '/environments',
    '/incidents',
    '/login',
  ],
  lcpSamples: 7,
  dora: '/?days=180&interval=WEEK',
} as const;
const goals = { firstLoadKb: 150, lcpMs: 1200 } as const;

interface Results {
  origin: string;
  seeded: string;
  firstLoad: Array<{ route: string; scripts: number; gzipBytes: number }>;
  afterLoadBytes: number;
  lcp: Spread;
}

/** JavaScript a route's HTML makes a modern browser fetch before it is interactive, gzipped. */
async function firstLoadJs(webUrl: string, route: string, cookie: string) {
  const html = await (await fetch(`${webUrl}${route}`, { headers: { cookie } })).text();
  // Scripts marked noModule (Next's polyfills) are skipped by every browser that runs modules.
  const scripts = [...html.matchAll(/<script([^>]*)\ssrc="([^"]+)"([^>]*)>/g)]
    .filter((m) => !/\bnomodule\b/i.test(`${m[1]} ${m[3]}`))
    .map((m) => m[2]!);
  let gzipBytes = 0;
  for (const src of new Set(scripts)) {
    const body = Buffer.from(await (await fetch(new URL(src, webUrl))).arrayBuffer());
    gzipBytes += gzipSync(body, { level: 9 }).length;
  }
  return { route, scripts: new Set(scripts).size, gzipBytes };
}

async function measure(teardown: Teardown): Promise<Results> {
  const { adminToken, apiUrl, origin } = await startReadOnlyApi(teardown, 'web');

  progress(`seeding ${plan.seedDays} days of demo history through the API (npm run seed:demo)`);
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'main/seed-demo.ts'], {
    cwd: root,
    env: {
      ...process.env,
      LOCKSTEP_API_URL: apiUrl,
      LOCKSTEP_ADMIN_TOKEN: adminToken,
      SEED_DAYS: String(plan.seedDays),
    },
    timeout: 600_000,
  });

  progress('starting the built web app (building it first if needed)');
  const web = await startWeb(apiUrl);
  teardown.add('stop the web app', () => web.stop());
  const cookie = `lockstep_token=${encodeURIComponent(adminToken)}`;

  // An environment pipeline of a seeded environment: its page and its editor (the seed makes no pipeline).
  const api = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    return ((await response.json()) as { data: T }).data;
  };
  const { environments } = await api<{ environments: Array<{ id: string }> }>('{ environments { id } }');
  const created = environments[0]
    ? await api<{ createEnvironmentPipeline: { id: string } | null } | null>(
        'mutation($e: ID!) { createEnvironmentPipeline(environmentId: $e) { id } }',
        { e: environments[0].id },
      )
    : null;
  const pipelineId = created?.createEnvironmentPipeline?.id;
  // The run page ships its live view whatever the run; an id that names none keeps the API untouched.
  const routes: string[] = [
    ...plan.routes,
    ...(pipelineId ? [`/pipelines/${pipelineId}`, `/pipelines/${pipelineId}/edit`] : []),
    '/runs/00000000-0000-4000-8000-000000000000',
  ];
  progress(`First Load JS of ${routes.join(', ')}`);
  const firstLoad = [];
  for (const route of routes) firstLoad.push(await firstLoadJs(web.url, route, cookie));

  progress(`Largest Contentful Paint of ${plan.dora} in headless Chromium, ${plan.lcpSamples} loads`);
  const browser = await launchChromium();
  teardown.add('close Chromium', () => browser.close());
  const lcps: number[] = [];
  let afterLoadBytes = 0;
  for (let i = 0; i <= plan.lcpSamples; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([
      { name: 'lockstep_token', value: adminToken, url: web.url, httpOnly: true, sameSite: 'Lax' },
    ]);
    const page = await context.newPage();
    let scriptBytes = 0;
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script')
        void response.body().then(
          (body) => (scriptBytes += gzipSync(body).length),
          () => undefined,
        );
    });
    await page.goto(`${web.url}${plan.dora}`, { waitUntil: 'load' });
    await page.locator('figure[data-chart="deployments"] .recharts-bar-rectangle').first().waitFor();
    const lcp = await page.evaluate<number>(`new Promise((resolve) => {
      new PerformanceObserver((list) => {
        const entries = list.getEntries();
        resolve(entries[entries.length - 1].startTime);
      }).observe({ type: 'largest-contentful-paint', buffered: true });
    })`);
    if (i > 0) lcps.push(lcp); // the first load warms the server's caches
    afterLoadBytes = scriptBytes;
    await context.close();
  }
  return { origin, seeded: stdout.trim(), firstLoad, afterLoadBytes, lcp: spread(lcps) };
}

function report(r: Results): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  const home = r.firstLoad.find((f) => f.route === '/')!;
  return [
    '',
    `Dashboard benchmark (${os.cpus().length} cores, ${r.origin})`,
    r.seeded,
    '',
    table([
      ['route', 'scripts', 'First Load JS (gzip)'],
      ...r.firstLoad.map((f) => [f.route, String(f.scripts), kb(f.gzipBytes)]),
    ]),
    '',
    `/ First Load JS ${kb(home.gzipBytes)} (goal <= ${goals.firstLoadKb} kB: ${home.gzipBytes / 1024 <= goals.firstLoadKb ? 'met' : 'NOT met'}); ` +
      `all JavaScript once the charts are drawn ${kb(r.afterLoadBytes)} (the charts load after the numbers)`,
    `LCP of / with ${plan.seedDays} days of demo data: p50 ${ms(r.lcp.p50)}, p95 ${ms(r.lcp.p95)}, ` +
      `min ${ms(r.lcp.min)}, max ${ms(r.lcp.max)} over ${r.lcp.n} loads ` +
      `(goal <= ${goals.lcpMs} ms: ${r.lcp.p50 <= goals.lcpMs ? 'met' : 'NOT met'})`,
    '',
  ].join('\n');
}

runBench(measure, report);
