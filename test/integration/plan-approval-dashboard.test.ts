import { describe, expect } from 'vitest';
import { screenshot, signedIn, watchErrors } from '../support/browser';
import { browserSuite } from '../support/browser-suite';
import { eventually, type Harness, ok, test } from '../support/fixtures';
import { approval, createPipeline, revision, trigger } from '../support/pipelines';
import { processesMatching } from '../support/processes';

/** A DEPLOYMENT action's plan approval and a timed-out gate on the run page, in Debian's Chromium. */

const suite = browserSuite();
const { errors, webFor } = suite;

/** A Deployment whose plan needs two approvers within ten minutes. */
async function deployment(h: Harness): Promise<string> {
  const { createService } = await ok<{ createService: { id: string } }>(
    h,
    `mutation { createService(input: { name: "dash-plan-service" }) { id } }`,
  );
  const { createEnvironment } = await ok<{ createEnvironment: { id: string } }>(
    h,
    `mutation { createEnvironment(input: { name: "dash-plan-production", tier: PRODUCTION }) { id } }`,
  );
  const { createDeployment } = await ok<{ createDeployment: { id: string } }>(
    h,
    `mutation($i: DeploymentInput!) { createDeployment(input: $i) { id } }`,
    {
      i: {
        name: 'dash-plan',
        serviceId: createService.id,
        environmentId: createEnvironment.id,
        planCommand: 'echo "plan: 1 to change"',
        applyCommand: 'echo applied',
        requirePlanApproval: true,
        planApproval: { requiredApprovals: 2, timeoutSeconds: 600 },
      },
    },
  );
  return createDeployment.id;
}

describe('plan approval on the run page', () => {
  test('Approve plan on a DEPLOYMENT action reaches its deployment run; two approvers let the run go on', async ({
    harness: h,
  }) => {
    const url = await webFor(h);
    const pipeline = await createPipeline(h, {
      name: 'dash-plan-release',
      stages: [
        {
          name: 'production',
          actions: [{ name: 'deploy', kind: 'DEPLOYMENT', config: { deploymentId: await deployment(h) } }],
        },
      ],
    });
    const run = await trigger(h, pipeline.id);
    const first = await signedIn(suite.browser, url, await h.tokenFor('APPROVER', 'dash-first'));
    const page = watchErrors(await first.newPage(), errors);
    await page.goto(`${url}/runs/${run.id}`);
    await page
      .locator('[data-action="deploy"][data-action-status="WAITING_FOR_APPROVAL"]')
      .waitFor({ timeout: 30_000 });
    const gate = page.getByRole('group', { name: 'Approval for deploy' });
    await expect.poll(() => gate.getByLabel('Approvals so far').textContent()).toContain('0 of 2 approvals');
    expect(await gate.textContent()).toContain('Its timeout decides at');
    // A plan is decided on its deployment run: no gate buttons that the API would refuse.
    expect(await gate.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(0);
    await gate.getByLabel('Comment').first().fill('plan reviewed');
    await gate.getByRole('button', { name: 'Approve plan' }).click();
    await expect.poll(() => gate.getByLabel('Approvals so far').textContent()).toContain('1 of 2 approvals');
    expect(await gate.locator('[role="alert"]').count()).toBe(0);
    await screenshot(page, 'plan-approval-one-of-two');

    const second = await signedIn(suite.browser, url, await h.tokenFor('APPROVER', 'dash-second'));
    const other = watchErrors(await second.newPage(), errors);
    await other.goto(`${url}/runs/${run.id}`);
    await other
      .getByRole('group', { name: 'Approval for deploy' })
      .getByRole('button', { name: 'Approve plan' })
      .click();

    // The first page, never reloaded, follows the run through.
    await page.locator('section[data-run-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-action="deploy"]').getAttribute('data-action-status')).toBe('SUCCEEDED');
    await screenshot(page, 'plan-approval-succeeded');
    await second.close();
    await first.close();
  });

  test('a gate whose timeout decided shows "timed out", not "rejected"', async ({ harness: h }) => {
    const url = await webFor(h);
    const pipeline = await createPipeline(h, {
      name: 'dash-gate-times-out',
      stages: [{ name: 'production', actions: [approval('go-live', { timeoutSeconds: 1 })] }],
    });
    const run = await trigger(h, pipeline.id);
    const admin = await signedIn(suite.browser, url, h.adminToken);
    const page = watchErrors(await admin.newPage(), errors);
    await page.goto(`${url}/runs/${run.id}`);
    const gate = page.locator('[data-action="go-live"][data-action-status="TIMED_OUT"]');
    await gate.waitFor({ timeout: 30_000 });
    expect(await gate.locator('.status').first().textContent()).toBe('timed out');
    expect(await gate.locator('.status.tone-lapsed').count()).toBe(1);
    await screenshot(page, 'gate-timed-out');
    // Nobody decided: a retry opens the gate again.
    await page.getByRole('button', { name: 'Retry failed actions' }).click();
    await page
      .locator('[data-action="go-live"][data-action-status="WAITING_FOR_APPROVAL"]')
      .waitFor({ timeout: 30_000 });
    await admin.close();
  });

  test('a deployment run started alone is cancelled from its page; its plan command is killed', async ({
    harness: h,
  }) => {
    const url = await webFor(h);
    const marker = `${6000 + Math.floor(Math.random() * 1000)}.${Date.now() % 1000}`;
    const [ids] = await h.dataSource.query(
      'SELECT service_id AS "serviceId", environment_id AS "environmentId" FROM deployments LIMIT 1',
    );
    const { createDeployment } = await ok<{ createDeployment: { id: string } }>(
      h,
      `mutation($i: DeploymentInput!) { createDeployment(input: $i) { id } }`,
      { i: { name: 'dash-cancel', ...ids, planCommand: `sleep ${marker}`, applyCommand: 'echo never' } },
    );
    const { runDeployment } = await ok<{ runDeployment: { id: string } }>(
      h,
      `mutation($d: ID!, $r: RevisionInput!) { runDeployment(deploymentId: $d, revision: $r) { id } }`,
      { d: createDeployment.id, r: revision },
    );
    await eventually(
      async () => processesMatching(marker).length,
      (n) => n > 0,
      15_000,
    );
    const operator = await signedIn(suite.browser, url, await h.tokenFor('OPERATOR', 'dash-operator'));
    const page = watchErrors(await operator.newPage(), errors);
    await page.goto(`${url}/deployment-runs/${runDeployment.id}`);
    await page.getByLabel('Reason').fill('wrong revision');
    await page.getByRole('button', { name: 'Cancel deployment run' }).click();
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator('section[data-deployment-status]').getAttribute('data-deployment-status');
        },
        { timeout: 15_000 },
      )
      .toBe('CANCELLED');
    expect(await page.locator('.error').first().textContent()).toBe('cancelled: wrong revision');
    expect(await page.getByRole('button', { name: 'Cancel deployment run' }).count()).toBe(0);
    await screenshot(page, 'deployment-run-cancelled');
    await eventually(
      async () => processesMatching(marker).length,
      (n) => n === 0,
      15_000,
    );
    await operator.close();
  });

  test('no console errors on the way', () => {
    expect(errors).toEqual([]);
  });
});
