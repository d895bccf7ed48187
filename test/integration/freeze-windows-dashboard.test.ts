import { describe, expect } from 'vitest';
import { screenshot, signedIn, watchErrors } from '../support/browser';
import { browserSuite } from '../support/browser-suite';
import { test } from '../support/fixtures';
import { command, createPipeline, trigger, waitForRun } from '../support/pipelines';
import { ok, releaseCatalog } from '../support/releases';

/** Freeze windows in the dashboard (Debian's Chromium, the built web app, a real API, worker and services). */

const suite = browserSuite();
const { errors, webFor } = suite;

/** A `datetime-local` value in UTC, `minutes` from now. */
const utcInput = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 16);

describe('freeze windows in the dashboard', () => {
  test('an ADMIN declares a window, the held run shows it, the ADMIN overrides it with a reason; a VIEWER only reads', async ({
    harness: h,
  }) => {
    const url = await webFor(h);
    const { productionId } = await releaseCatalog(h, 'dash-freeze');
    const { environments } = await ok<{ environments: Array<{ id: string; name: string }> }>(
      h,
      '{ environments { id name } }',
    );
    const production = environments.find((e) => e.id === productionId)!.name;

    const admin = await signedIn(suite.browser, url, h.adminToken);
    const page = watchErrors(await admin.newPage(), errors);
    await page.goto(`${url}/freeze-windows`);
    await page.getByRole('link', { name: 'Freeze windows' }).waitFor();
    const form = page.getByRole('form', { name: 'New freeze window' });
    await form.getByLabel('Name').fill('Dashboard freeze');
    await form.getByLabel('Environment').selectOption({ label: production });
    await form.getByLabel('Starts (UTC)').fill(utcInput(-1));
    await form.getByLabel('Ends (UTC)').fill(utcInput(60));
    await form.getByLabel('Reason').fill('quarter end');
    await form.getByRole('button', { name: 'Create freeze window' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Dashboard freeze' });
    await row.waitFor();
    expect(await row.textContent()).toContain(production);
    expect(await row.textContent()).toContain('quarter end');
    await screenshot(page, 'freeze-windows');

    const pipeline = await createPipeline(h, {
      name: 'dash-freeze',
      stages: [
        { name: 'build', actions: [command('compile', 'true')] },
        { name: 'production', environmentId: productionId, actions: [command('ship', 'true')] },
      ],
    });
    const run = await trigger(h, pipeline.id);
    await waitForRun(h, run.id, (r) => r.status === 'WAITING');

    const viewer = await signedIn(suite.browser, url, await h.tokenFor('VIEWER', 'dash-freeze-viewer'));
    const look = watchErrors(await viewer.newPage(), errors);
    await look.goto(`${url}/runs/${run.id}`);
    await look.getByRole('status').filter({ hasText: 'Dashboard freeze' }).waitFor();
    expect(await look.getByRole('button', { name: 'Override freeze' }).count()).toBe(0);
    await look.goto(`${url}/freeze-windows`);
    await look.getByRole('row').filter({ hasText: 'Dashboard freeze' }).waitFor();
    expect(await look.getByRole('form', { name: 'New freeze window' }).count()).toBe(0);
    expect(await look.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await viewer.close();

    await page.goto(`${url}/runs/${run.id}`);
    const hold = page.getByRole('status').filter({ hasText: 'Dashboard freeze' });
    await hold.waitFor();
    expect(await hold.textContent()).toContain('Held by a freeze');
    await screenshot(page, 'freeze-held-run');
    await hold.getByLabel('Reason').fill('hotfix from the dashboard');
    await hold.getByRole('button', { name: 'Override freeze' }).click();
    await page.locator('section[data-run-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
    const [event] = await h.dataSource.query<Array<{ message: string }>>(
      `SELECT message FROM pipeline_events WHERE run_id = $1 AND type = 'FREEZE_OVERRIDDEN'`,
      [run.id],
    );
    expect(event!.message).toBe(
      'freeze "Dashboard freeze" overridden by test-admin: hotfix from the dashboard',
    );

    await page.goto(`${url}/freeze-windows`);
    await page
      .getByRole('form', { name: 'Delete freeze window Dashboard freeze' })
      .getByRole('button')
      .click();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'Dashboard freeze' }).count()).toBe(0);
    await admin.close();
    expect(errors).toEqual([]);
  });
});
