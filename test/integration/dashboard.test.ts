import { WebSocket } from 'ws';
import { describe, expect } from 'vitest';
import { screenshot, signedIn, watchErrors } from '../support/browser';
import { browserSuite } from '../support/browser-suite';
import { ok, test } from '../support/fixtures';
import { approval, command, createPipeline } from '../support/pipelines';

/** The dashboard in Debian's Chromium, against the built web app, a real API, worker, PostgreSQL, Temporal. */

const suite = browserSuite();
const { errors, webFor } = suite;

describe('dashboard', () => {
  test('sign in: a bad token is refused with a message, a good one opens the page asked for', async ({
    harness: h,
  }) => {
    const url = await webFor(h);
    const context = await suite.browser.newContext();
    const page = watchErrors(await context.newPage(), errors);
    await page.goto(`${url}/pipelines`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('form [role="alert"]').textContent()).toMatch(/not valid|revoked/i);
    await screenshot(page, 'login-refused');

    await page.goto(`${url}/login?next=/pipelines`);
    await page.getByLabel('API token').fill(h.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/pipelines$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Pipelines');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'lockstep_token')).toMatchObject({ httpOnly: true });
    expect(await page.evaluate<string>('document.cookie')).not.toContain(h.adminToken);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await context.close();
  });

  test("sign-in never sends people to another site; /live takes only this site's pages with a session", async ({
    harness: h,
  }) => {
    const url = await webFor(h);
    const context = await suite.browser.newContext();
    const page = watchErrors(await context.newPage(), errors);
    await page.goto(`${url}/login?next=${encodeURIComponent('/\\evil.example/x')}`);
    await page.getByLabel('API token').fill(h.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.host === new URL(url).host && u.pathname !== '/login');
    await context.close();

    const upgrade = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${url.replace('http', 'ws')}/live`, 'graphql-transport-ws', { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('error', () => resolve(-1));
      });
    const cookie = `lockstep_token=${h.adminToken}`;
    expect(await upgrade({ origin: 'http://evil.example', cookie })).toBe(403);
    expect(await upgrade({ origin: url })).toBe(401);
    expect(await upgrade({ origin: url, cookie: 'lockstep_token=%' })).toBe(401);
    expect(await upgrade({ origin: url, cookie })).toBe(101);
  });

  test("an action the token's role may not take says so, and nothing happens", async ({ harness: h }) => {
    const url = await webFor(h);
    const pipeline = await createPipeline(h, {
      name: 'dash-viewer-only',
      stages: [{ name: 'only', actions: [command('noop', 'true')] }],
    });
    const context = await signedIn(suite.browser, url, await h.tokenFor('VIEWER', 'dash-viewer'));
    const page = watchErrors(await context.newPage(), errors);
    await page.goto(`${url}/pipelines/${pipeline.id}`);
    await page.getByLabel('Revision').fill('abcdef12');
    await page.getByRole('button', { name: 'Release change' }).click();
    await expect
      .poll(() => page.getByRole('form', { name: 'Release change' }).locator('[role="alert"]').textContent())
      .toMatch(/DEPLOYER|role/i);
    expect(page.url()).toContain(`/pipelines/${pipeline.id}`);
    const { pipelineRuns } = await ok<{ pipelineRuns: { totalCount: number } }>(
      h,
      `query($p: ID!) { pipelineRuns(pipelineId: $p) { totalCount } }`,
      { p: pipeline.id },
    );
    expect(pipelineRuns.totalCount).toBe(0);
    await screenshot(page, 'viewer-refused');
    await context.close();
  });

  test('the DORA page draws every bucket from the data, and a bucket explains its deployments', async ({
    harness: h,
  }) => {
    const url = await webFor(h);
    const { createService } = await ok<{ createService: { id: string } }>(
      h,
      `mutation { createService(input: { name: "dash-svc", team: "dash" }) { id } }`,
    );
    const { createEnvironment } = await ok<{ createEnvironment: { id: string } }>(
      h,
      `mutation { createEnvironment(input: { name: "dash-prod", tier: PRODUCTION }) { id } }`,
    );
    const now = Date.now();
    const day = 86_400_000;
    // Deployments on 12 of the last 28 days, a few days apart, with a rollback among them.
    for (let i = 0; i < 12; i++) {
      const finishedAt = new Date(now - (2 + i * 2.2) * day);
      await ok(h, `mutation($i: ExternalDeploymentInput!) { recordExternalDeployment(input: $i) { id } }`, {
        i: {
          serviceId: createService.id,
          environmentId: createEnvironment.id,
          status: 'SUCCEEDED',
          startedAt: new Date(finishedAt.getTime() - 300_000).toISOString(),
          finishedAt: finishedAt.toISOString(),
          isRollback: i === 3,
          revision: {
            sha: `dada${i}abc`,
            committedAt: new Date(finishedAt.getTime() - (i + 1) * 3_600_000).toISOString(),
          },
        },
      });
    }
    const context = await signedIn(suite.browser, url, h.adminToken);
    const page = watchErrors(await context.newPage(), errors);
    await page.goto(`${url}/?days=30&interval=WEEK&team=dash`);
    const chart = page.locator('figure[data-chart="deployments"]');
    await chart.locator('.recharts-bar-rectangle').first().waitFor();

    // The same filter through the API: the page draws exactly its buckets.
    const to = new Date();
    to.setUTCHours(24, 0, 0, 0);
    const { doraMetrics } = await ok<{
      doraMetrics: {
        deploymentFrequency: { sampleSize: number; series: Array<{ bucketStart: string; value: number }> };
      };
    }>(
      h,
      `query($f: DoraFilter!) { doraMetrics(filter: $f) { deploymentFrequency { sampleSize series { bucketStart value } } } }`,
      {
        f: {
          from: new Date(to.getTime() - 30 * day).toISOString(),
          to: to.toISOString(),
          interval: 'WEEK',
          team: 'dash',
        },
      },
    );
    const series = doraMetrics.deploymentFrequency.series;
    expect(doraMetrics.deploymentFrequency.sampleSize).toBe(12);
    expect(Number(await chart.getAttribute('data-points'))).toBe(series.length);
    expect(await chart.locator('.recharts-xAxis .recharts-cartesian-axis-tick').count()).toBe(series.length);
    // One bar per bucket that had deployments (Recharts draws nothing for a zero).
    const bars = chart.locator('.recharts-bar').first().locator('.recharts-bar-rectangle path');
    expect(await bars.count()).toBe(series.filter((p) => p.value > 0).length);
    await expect
      .poll(() => page.locator('[data-metric="deploymentFrequency"] .value').textContent())
      .toMatch(/\/ (day|week)/);
    await expect
      .poll(() => page.locator('figure[data-chart="lead-time"] .recharts-line-curve').count())
      .toBe(1);
    await screenshot(page, 'dora');

    // Explaining a bucket (keyboard-reachable links; a click on a chart does the same). The bucket is one
    // the data fills, whatever the day of the week: the current week is empty early in the week.
    const busiest = series.reduce((best, point) => (point.value > best.value ? point : best));
    expect(busiest.value).toBeGreaterThan(0);
    await page
      .getByRole('navigation', { name: 'Buckets' })
      .locator(`a[href*="bucket=${encodeURIComponent(busiest.bucketStart)}"]`)
      .click();
    const drill = page.getByTestId('drill-down');
    await drill.waitFor();
    await expect.poll(() => drill.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await drill.textContent()).toMatch(/lead time|no new commits/);
    await screenshot(page, 'dora-drill-down');
    await context.close();
  });

  test('a run page follows a live run to its approval gate; Approve from another user lets it succeed', async ({
    harness: h,
  }) => {
    const url = await webFor(h);
    const pipeline = await createPipeline(h, {
      name: 'dash-release',
      stages: [
        { name: 'build', actions: [command('compile', 'echo compiling; sleep 1; echo done')] },
        { name: 'production', actions: [approval('go-live'), command('deploy', 'echo live', 2)] },
      ],
    });
    const admin = await signedIn(suite.browser, url, h.adminToken);
    const page = watchErrors(await admin.newPage(), errors);
    await page.goto(`${url}/pipelines/${pipeline.id}`);
    await screenshot(page, 'pipeline');
    await page.getByLabel('Revision').fill('f00dfeed');
    await page.getByRole('button', { name: 'Release change' }).click();
    await page.waitForURL(/\/runs\//);
    const runUrl = page.url();
    let navigations = 0;
    page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations++);
    await page
      .locator('[data-action="go-live"][data-action-status="WAITING_FOR_APPROVAL"]')
      .waitFor({ timeout: 30_000 });
    // Its output streamed in while it ran (a finished action's logs open on request).
    const logs = page.locator('[data-action="compile"] .logs');
    if (!(await logs.isVisible()))
      await page.locator('[data-action="compile"]').getByRole('button', { name: 'Show logs' }).click();
    await expect
      .poll(() => page.locator('[data-action="compile"] .logs').textContent())
      .toContain('compiling');
    await screenshot(page, 'run-waiting');

    const approver = await signedIn(suite.browser, url, await h.tokenFor('APPROVER', 'dash-approver'));
    const other = watchErrors(await approver.newPage(), errors);
    await other.goto(runUrl);
    const gate = other.getByRole('group', { name: 'Approval for go-live' });
    await gate.getByLabel('Comment').first().fill('dashboards green');
    await gate.getByRole('button', { name: 'Approve' }).click();

    // The first page, never reloaded, sees the run through.
    await page.locator('section[data-run-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
    expect(navigations).toBe(0);
    expect(await page.locator('[data-action="go-live"]').textContent()).toContain(
      'approved by dash-approver',
    );
    await screenshot(page, 'run-succeeded');
    await approver.close();
    await admin.close();
  });

  test('Retry failed actions re-runs what failed, and the page follows it to success', async ({
    harness: h,
  }) => {
    const url = await webFor(h);
    const marker = `/tmp/lockstep-dash-retry-${Date.now()}`;
    const pipeline = await createPipeline(h, {
      name: 'dash-flaky',
      stages: [
        {
          name: 'only',
          actions: [
            command(
              'flaky',
              `if [ -f ${marker} ]; then echo second time; else touch ${marker}; echo boom >&2; exit 3; fi`,
              1,
              {
                retryPolicy: { maximumAttempts: 1 },
              },
            ),
          ],
        },
      ],
    });
    const { triggerPipeline } = await ok<{ triggerPipeline: { id: string } }>(
      h,
      `mutation($p: ID!) { triggerPipeline(pipelineId: $p, revision: { sha: "badc0ffee", committedAt: "2026-01-01T00:00:00Z" }) { id } }`,
      { p: pipeline.id },
    );
    const context = await signedIn(suite.browser, url, h.adminToken);
    const page = watchErrors(await context.newPage(), errors);
    await page.goto(`${url}/runs/${triggerPipeline.id}`);
    const retry = page.getByRole('button', { name: 'Retry failed actions' });
    await retry.waitFor({ timeout: 30_000 });
    await screenshot(page, 'run-failed');
    await retry.click();
    await page.locator('section[data-run-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-action="flaky"]').textContent()).toContain('2 attempts');
    await page.goto(`${url}/deployments`);
    await screenshot(page, 'deployments');
    await page.goto(`${url}/incidents`);
    await screenshot(page, 'incidents');
    await context.close();
  });

  test('a failed run offers each role only the decisions it may take; an approver skips with a reason, and the page says who and why', async ({
    harness: h,
  }) => {
    const url = await webFor(h);
    const once = { retryPolicy: { maximumAttempts: 1 } };
    const pipeline = await createPipeline(h, {
      name: 'dash-hold',
      stages: [
        {
          name: 'build',
          actions: [command('unit', 'echo flaky >&2; exit 1', 1, once), command('package', 'true', 2)],
        },
        { name: 'deploy', actions: [command('ship', 'true')] },
      ],
    });
    const { triggerPipeline } = await ok<{ triggerPipeline: { id: string } }>(
      h,
      `mutation($p: ID!) { triggerPipeline(pipelineId: $p, revision: { sha: "feedc0de", committedAt: "2026-01-01T00:00:00Z" }) { id } }`,
      { p: pipeline.id },
    );
    const runUrl = `${url}/runs/${triggerPipeline.id}`;
    const offered = async (role: 'VIEWER' | 'OPERATOR' | 'APPROVER') => {
      const context = await signedIn(
        suite.browser,
        url,
        await h.tokenFor(role, `dash-hold-${role.toLowerCase()}`),
      );
      const page = watchErrors(await context.newPage(), errors);
      await page.goto(runUrl);
      await page.locator('section[data-run-status="FAILED"]').waitFor({ timeout: 30_000 });
      await page.locator('[data-action="unit"][data-action-status="FAILED"]').waitFor();
      const buttons = [];
      for (const name of ['Retry failed actions', 'Retry stage', 'Skip failed actions', 'Cancel run'])
        if ((await page.getByRole('button', { name }).count()) > 0) buttons.push(name);
      return { context, page, buttons };
    };
    const viewer = await offered('VIEWER');
    expect(viewer.buttons).toEqual([]);
    await viewer.context.close();
    const operator = await offered('OPERATOR');
    expect(operator.buttons).toEqual(['Retry failed actions', 'Retry stage', 'Cancel run']);
    await operator.context.close();

    const { context, page, buttons } = await offered('APPROVER');
    expect(buttons).toEqual(['Retry failed actions', 'Retry stage', 'Skip failed actions', 'Cancel run']);
    const skip = page.locator('form', { has: page.getByRole('button', { name: 'Skip failed actions' }) });
    await skip.getByLabel('Reason').fill('flaky, OPS-9');
    await screenshot(page, 'run-held');
    await skip.getByRole('button', { name: 'Skip failed actions' }).click();
    await page.locator('section[data-run-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.locator('[data-action="unit"]').textContent())
      .toContain('skipped by dash-hold-approver: flaky, OPS-9');
    await expect
      .poll(() => page.getByRole('list', { name: 'Decisions after failure' }).textContent())
      .toContain('failed actions skipped by dash-hold-approver: flaky, OPS-9');
    await screenshot(page, 'run-skipped');

    // The run has ended: rerun its last stage, reusing the build (a new run, opened at once).
    const deployStage = page.locator('li.stage', { has: page.getByRole('heading', { name: /deploy/ }) });
    await deployStage.getByRole('button', { name: 'Rerun from here' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/runs/') && !u.pathname.endsWith(triggerPipeline.id));
    await page.locator('section[data-run-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-action="package"][data-action-status="SKIPPED"]').waitFor();
    await page.locator('[data-action="ship"][data-action-status="SUCCEEDED"]').waitFor();
    await screenshot(page, 'run-rerun-from-stage');
    await context.close();
  });

  test('no page logged a console error or threw', () => {
    expect(errors).toEqual([]);
  });
});
