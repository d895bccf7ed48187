import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { screenshot, signedIn, watchErrors } from '../support/browser';
import { browserSuite } from '../support/browser-suite';
import { ok, test } from '../support/fixtures';
import { command, createPipeline, ended, trigger, waitForRun } from '../support/pipelines';

/** Authoring in the dashboard: the editor, the graph, environment pipelines, long logs; Debian's Chromium. */

const suite = browserSuite();
const { errors, webFor } = suite;

/** The stage names of a graph, in the order drawn. */
const graphStages = async (page: Page, label: string) => {
  await page.getByRole('list', { name: label }).waitFor();
  return page
    .getByRole('list', { name: label })
    .locator(':scope > li')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-graph-stage')));
};

/** The editor's stage at `index` (0-based). */
const editorStage = (page: Page, index: number) =>
  page.getByRole('list', { name: 'Stages' }).locator(':scope > li').nth(index);

async function fillAction(page: Page, name: string, shell: string) {
  const action = page.getByRole('group', { name: 'Action new action' });
  await action.getByLabel('Command').fill(shell);
  await action.getByLabel('Action name').fill(name);
}

describe('authoring in the dashboard', () => {
  test('an ADMIN creates a pipeline from scratch (two stages, a parallel group), runs it, sees it succeed on the graph', async ({
    harness: h,
  }) => {
    const url = await webFor(h);
    const context = await signedIn(suite.browser, url, h.adminToken);
    const page = watchErrors(await context.newPage(), errors);
    await page.goto(`${url}/pipelines`);
    await page.getByRole('link', { name: 'New pipeline' }).click();
    await page.getByLabel('Pipeline name').fill('authored-from-scratch');
    await page.getByLabel('Description').fill('made in the editor');

    await editorStage(page, 0).getByLabel('Stage name').fill('build');
    await page.getByRole('button', { name: 'Add action to build' }).click();
    await fillAction(page, 'compile', 'echo compiling; sleep 1');
    await page.getByRole('button', { name: 'Add parallel action to build' }).click();
    await fillAction(page, 'lint', 'echo linting');
    await page.getByRole('button', { name: '+ Stage' }).click();
    await editorStage(page, 1).getByLabel('Stage name').fill('ship');
    await page.getByRole('button', { name: 'Add action to ship' }).click();
    await fillAction(page, 'deploy', 'echo shipped');
    await expect
      .poll(() => page.getByRole('group', { name: 'build, group 1' }).textContent())
      .toContain('2 actions in parallel');
    await screenshot(page, 'editor-new-pipeline');
    await page.getByRole('button', { name: 'Create pipeline' }).click();
    await page.waitForURL(/\/pipelines\/[0-9a-f-]+\?saved=1$/);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('keep the definition');
    expect(await graphStages(page, 'Pipeline graph')).toEqual(['build', 'ship']);
    await page.getByRole('listitem', { name: 'Group 1, 2 in parallel' }).waitFor();
    await screenshot(page, 'pipeline-graph');

    await page.getByLabel('Revision').fill('feedc0de');
    await page.getByRole('button', { name: 'Release change' }).click();
    await page.waitForURL(/\/runs\//);
    await page.locator('section[data-run-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
    const graph = page.getByRole('list', { name: 'Run graph' });
    for (const name of ['compile', 'lint', 'deploy'])
      await graph.locator(`[data-node="${name}"][data-node-status="SUCCEEDED"]`).waitFor();
    expect(await graph.locator('[data-node="compile"]').textContent()).toMatch(/succeeded · \d+ s/);
    await screenshot(page, 'run-graph');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'run-graph-phone');
    // On a phone the stages stack: the second starts below the first, not beside it.
    const boxes = await graph
      .locator(':scope > li')
      .evaluateAll((items) => items.map((item) => item.getBoundingClientRect().top));
    expect(boxes[1]).toBeGreaterThan(boxes[0]);
    await context.close();
  });

  test('stages reordered by keyboard: the next run follows the new order, an older run keeps the old one', async ({
    harness: h,
  }) => {
    const url = await webFor(h);
    const pipeline = await createPipeline(h, {
      name: 'authoring-reorder',
      stages: [
        { name: 'first', actions: [command('a', 'echo a')] },
        { name: 'second', actions: [command('b', 'echo b')] },
      ],
    });
    const older = await trigger(h, pipeline.id);
    await waitForRun(h, older.id, ended);

    const context = await signedIn(suite.browser, url, h.adminToken);
    const page = watchErrors(await context.newPage(), errors);
    await page.goto(`${url}/pipelines/${pipeline.id}/edit`);
    await page.getByRole('button', { name: 'Move stage second up' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => editorStage(page, 0).getByLabel('Stage name').inputValue()).toBe('second');
    await page.getByRole('button', { name: 'Save pipeline' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?saved=1$/);
    expect(await graphStages(page, 'Pipeline graph')).toEqual(['second', 'first']);

    await page.getByLabel('Revision').fill('0ddba11');
    await page.getByRole('button', { name: 'Release change' }).click();
    await page.waitForURL(/\/runs\//);
    await page.locator('section[data-run-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
    expect(await graphStages(page, 'Run graph')).toEqual(['second', 'first']);
    await page.goto(`${url}/runs/${older.id}`);
    expect(await graphStages(page, 'Run graph')).toEqual(['first', 'second']);
    await context.close();
  });

  test('a VIEWER sees the editor read-only', async ({ harness: h }) => {
    const url = await webFor(h);
    const pipeline = await createPipeline(h, {
      name: 'authoring-viewer',
      stages: [{ name: 'only', actions: [command('noop', 'true')] }],
    });
    const context = await signedIn(suite.browser, url, await h.tokenFor('VIEWER', 'authoring-viewer'));
    const page = watchErrors(await context.newPage(), errors);
    await page.goto(`${url}/pipelines/${pipeline.id}`);
    await page.getByRole('link', { name: 'View definition' }).click();
    await page.getByRole('note').filter({ hasText: 'Read-only' }).waitFor();
    expect(await page.getByLabel('Pipeline name').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Move stage only up' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save pipeline' }).count()).toBe(0);
    await screenshot(page, 'editor-read-only');
    await context.close();
  });

  test('validation errors appear at the field the API names', async ({ harness: h }) => {
    const url = await webFor(h);
    const pipeline = await createPipeline(h, {
      name: 'authoring-invalid',
      stages: [{ name: 'only', actions: [command('run', 'echo ok')] }],
    });
    const context = await signedIn(suite.browser, url, h.adminToken);
    const page = watchErrors(await context.newPage(), errors);
    await page.goto(`${url}/pipelines/${pipeline.id}/edit`);
    const commandField = page.locator('[data-field="input.stages[0].actions[0].config.command"]');
    await commandField.fill('   ');
    await page.getByRole('button', { name: 'Save pipeline' }).click();
    await expect.poll(() => commandField.getAttribute('aria-invalid')).toBe('true');
    const described = (await commandField.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${described}"]`).textContent()).toMatch(/non-blank shell command/);
    await screenshot(page, 'editor-field-error');

    await commandField.fill('echo fixed');
    const parallel = page.locator('[data-field="input.stages[0].maxParallel"]');
    await parallel.fill('0');
    await page.getByRole('button', { name: 'Save pipeline' }).click();
    await expect.poll(() => parallel.getAttribute('aria-invalid')).toBe('true');
    expect(await commandField.getAttribute('aria-invalid')).toBeNull();
    expect(page.url()).toContain('/edit');
    await context.close();
  });

  test('an environment pipeline built entirely from the dashboard, services moved, and run', async ({
    harness: h,
  }) => {
    const url = await webFor(h);
    const context = await signedIn(suite.browser, url, h.adminToken);
    const page = watchErrors(await context.newPage(), errors);
    const submit = async (form: string, fields: Record<string, string>, button: string) => {
      const scope = page.getByRole('form', { name: form });
      for (const [name, value] of Object.entries(fields)) {
        const control = scope.locator(`[name="${name}"]`);
        if ((await control.evaluate((el) => el.tagName)) === 'SELECT')
          await control.selectOption({ label: value });
        else await control.fill(value);
      }
      await scope.getByRole('button', { name: button }).click();
      await scope.getByRole('button', { name: button }).waitFor();
      expect(await scope.locator('[role="alert"]').count()).toBe(0);
    };

    await page.goto(`${url}/services`);
    await submit('New service', { name: 'paas-db', type: 'database' }, 'Create service');
    await page.getByRole('cell', { name: 'paas-db', exact: true }).waitFor();
    await submit('New service', { name: 'paas-web', type: 'application' }, 'Create service');
    await page.getByRole('cell', { name: 'paas-web', exact: true }).waitFor();
    await submit('New service', { name: 'paas-worker', type: 'job' }, 'Create service');
    await page.getByRole('cell', { name: 'paas-worker', exact: true }).waitFor();

    await page.goto(`${url}/environments`);
    await submit('New environment', { name: 'paas-staging', tier: 'staging' }, 'Create environment');
    await page.getByRole('cell', { name: 'paas-staging', exact: true }).waitFor();

    await page.goto(`${url}/deployments/manage`);
    const deploy = (name: string, service: string) =>
      submit(
        'New Deployment',
        {
          name,
          serviceId: service,
          environmentId: 'paas-staging',
          applyCommand: `echo deploying ${name}`,
        },
        'Create Deployment',
      );
    await deploy('paas-db-staging', 'paas-db');
    await page.getByText('paas-db → paas-staging').waitFor();
    await deploy('paas-worker-staging', 'paas-worker');
    await page.getByText('paas-worker → paas-staging').waitFor();

    await page.goto(`${url}/environments`);
    await page.getByRole('form', { name: 'Pipeline for paas-staging' }).getByRole('button').click();
    await page.waitForURL(/\/pipelines\/[0-9a-f-]+$/);
    const pipelineUrl = page.url();

    // A Deployment created after the pipeline joins it in its type's stage.
    await page.goto(`${url}/deployments/manage`);
    await deploy('paas-web-staging', 'paas-web');
    await page.getByText('paas-web → paas-staging').waitFor();
    await page.goto(pipelineUrl);
    const board = (stage: string) => page.getByRole('listitem', { name: `Services in ${stage}` });
    await board('0.DEFAULT DATABASE').locator('[data-service="paas-db"]').waitFor();
    await board('1.DEFAULT JOB').locator('[data-service="paas-worker"]').waitFor();
    await board('3.DEFAULT APPLICATION').locator('[data-service="paas-web"]').waitFor();

    // Moved with the menu (the keyboard's way), then by dragging.
    await page.getByLabel('Move paas-web to').selectOption({ label: '→ 2.DEFAULT CONTAINER' });
    await board('2.DEFAULT CONTAINER').locator('[data-service="paas-web"]').waitFor();
    // The board is busy until the menu's move is saved and the page refreshed: drag once it has settled.
    await page.locator('[aria-busy="false"]:has(> ol.board)').waitFor();
    await page.locator('[data-service="paas-worker"]').dragTo(board('0.DEFAULT DATABASE'));
    await board('0.DEFAULT DATABASE').locator('[data-service="paas-worker"]').waitFor();
    // The drop shows the move at once; reloading before its save has answered would abandon the save.
    await page.locator('[aria-busy="false"]:has(> ol.board)').waitFor();
    await page.reload();
    await board('2.DEFAULT CONTAINER').locator('[data-service="paas-web"]').waitFor();
    await board('0.DEFAULT DATABASE').locator('[data-service="paas-worker"]').waitFor();
    await screenshot(page, 'environment-pipeline');

    await page.getByLabel('Revision').fill('cafe1234');
    await page.getByRole('button', { name: 'Release change' }).click();
    await page.waitForURL(/\/runs\//);
    await page.locator('section[data-run-status="SUCCEEDED"]').waitFor({ timeout: 60_000 });
    const graph = page.getByRole('list', { name: 'Run graph' });
    await graph.locator('[data-node="paas-web-staging"][data-node-status="SUCCEEDED"]').waitFor();
    await screenshot(page, 'environment-pipeline-run');

    const { environments } = await ok<{
      environments: Array<{
        name: string;
        pipeline: { stages: Array<{ name: string; services: Array<{ name: string }> }> } | null;
      }>;
    }>(h, `{ environments { name pipeline { stages { name services { name } } } } }`);
    const stages = environments.find((e) => e.name === 'paas-staging')!.pipeline!.stages;
    expect(stages.map((s) => [s.name, s.services.map((x) => x.name).sort()])).toEqual([
      ['0.DEFAULT DATABASE', ['paas-db', 'paas-worker']],
      ['1.DEFAULT JOB', []],
      ['2.DEFAULT CONTAINER', ['paas-web']],
      ['3.DEFAULT APPLICATION', []],
    ]);
    await context.close();
  });

  test('a 5,000-line log is followed live and readable to its end, page by page and downloaded', async ({
    harness: h,
  }) => {
    const url = await webFor(h);
    const pipeline = await createPipeline(h, {
      name: 'authoring-long-log',
      stages: [{ name: 'only', actions: [command('chatty', 'sleep 3; seq 1 5000; sleep 2')] }],
    });
    const run = await trigger(h, pipeline.id);
    const context = await signedIn(suite.browser, url, h.adminToken);
    const page = watchErrors(await context.newPage(), errors);
    await page.goto(`${url}/runs/${run.id}`);
    const action = page.locator('[data-action="chatty"]');
    const logs = action.locator('.logs');
    const bar = action.getByRole('toolbar');
    await logs.waitFor({ timeout: 20_000 }); // shown while it runs, following
    await page.locator('section[data-run-status="SUCCEEDED"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => bar.textContent(), { timeout: 15_000 }).toContain('lines 4,001–5,000 of 5,000');
    const text = (await logs.textContent())!;
    expect(text.trimEnd().split('\n').at(-1)).toBe('5000');
    await screenshot(page, 'long-log-end');

    await action.getByRole('button', { name: 'First lines of chatty' }).click();
    await expect.poll(() => bar.textContent()).toContain('lines 1–1,000 of 5,000');
    expect((await logs.textContent())!.split('\n')[0]).toBe('1');
    await action.getByRole('button', { name: 'Later lines of chatty' }).click();
    await expect.poll(() => bar.textContent()).toContain('lines 1,001–2,000 of 5,000');
    await action.getByRole('button', { name: 'Last lines of chatty' }).click();
    await expect.poll(() => bar.textContent()).toContain('lines 4,001–5,000 of 5,000');

    const actionRunId = await action.evaluate(
      (el) => el.querySelector('a[download]')!.getAttribute('href')!.split('/')[2]!.split('?')[0],
    );
    const download = await page.request.get(`${url}/logs/${actionRunId}?download=1`);
    expect(download.headers()['content-disposition']).toContain('attachment');
    const lines = (await download.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(5000);
    expect(lines.at(-1)).toBe('5000');
    await context.close();
  });

  test('no page logged a console error or threw', () => {
    expect(errors).toEqual([]);
  });
});
