import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { sharedFolder } from '../support/shared-folder';
import { screenshot, signedIn, watchErrors } from '../support/browser';
import { browserSuite } from '../support/browser-suite';
import { test } from '../support/fixtures';
import { approval, createPipeline } from '../support/pipelines';
import {
  buildAction,
  finishedRun,
  ok,
  releaseCatalog,
  revisionAt,
  showArtifacts,
  triggerRevision,
} from '../support/releases';

/** Releases in the dashboard (Debian's Chromium, the built web app, a real API, worker and services). */

const suite = browserSuite();
const { errors, webFor } = suite;
let scratch: string;

beforeAll(async () => {
  scratch = await sharedFolder('lockstep-releases-dash-', ['board-builds', 'diff-page-builds']);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('releases in the dashboard', () => {
  test('the live board shows what runs where; a viewer only reads it, an operator promotes a cell into production', async ({
    harness: h,
  }) => {
    const url = await webFor(h);
    const { serviceId, stagingId, productionId } = await releaseCatalog(h, 'board');
    const file = path.join(scratch, 'board-builds');
    const candidate = await createPipeline(h, {
      name: 'board-candidate',
      serviceId,
      stages: [
        { name: 'build', actions: [buildAction(file)] },
        { name: 'staging', environmentId: stagingId, actions: [showArtifacts('smoke')] },
      ],
    });
    await createPipeline(h, {
      name: 'board-release',
      serviceId,
      stages: [
        { name: 'build', actions: [buildAction(file)] },
        { name: 'production', environmentId: productionId, actions: [showArtifacts('ship')] },
      ],
    });
    const first = revisionAt(300);
    const second = revisionAt(310);
    for (const revision of [first, second]) {
      expect((await finishedRun(h, await triggerRevision(h, candidate.id, revision))).status).toBe(
        'SUCCEEDED',
      );
    }
    const { services } = await ok<{ services: Array<{ id: string; name: string }> }>(
      h,
      '{ services { id name } }',
    );
    const service = services.find((s) => s.id === serviceId)!.name;

    const viewer = await signedIn(suite.browser, url, await h.tokenFor('VIEWER', 'board-viewer'));
    const look = watchErrors(await viewer.newPage(), errors);
    await look.goto(`${url}/releases`);
    const stagingCell = look.locator(`td[data-cell^="${service}/"][data-cell$="-staging"]`);
    await expect.poll(() => stagingCell.textContent()).toContain('1.4.2');
    expect(await stagingCell.textContent()).toContain(second.sha.slice(0, 8));
    expect(await stagingCell.textContent()).toContain('board-candidate run #2');
    expect(await look.getByRole('button', { name: 'Promote' }).count()).toBe(0);
    expect(await look.getByRole('button', { name: /Roll back/ }).count()).toBe(0);
    await screenshot(look, 'releases-board-viewer');
    await viewer.close();

    const operator = await signedIn(suite.browser, url, await h.tokenFor('OPERATOR', 'board-operator'));
    const page = watchErrors(await operator.newPage(), errors);
    await page.goto(`${url}/releases`);
    const cell = page.locator(`td[data-cell^="${service}/"][data-cell$="-staging"]`);
    await cell.getByRole('button', { name: `Roll back to ${first.sha.slice(0, 8)}` }).waitFor();
    await cell.getByLabel('into pipeline').selectOption({ label: 'board-release' });
    await cell.getByRole('button', { name: 'Promote' }).click();
    await page.waitForURL(/\/runs\//);
    await page.locator('section[data-run-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
    expect(await page.textContent('main')).toContain('promoted from board-candidate run #2');
    expect(await page.locator('[data-action="build-image"]').textContent()).toContain(
      'reused: checkout-image 1.4.2 built by board-candidate run #2',
    );
    await screenshot(page, 'releases-promoted-run');

    await page.goto(`${url}/releases`);
    const production = page.locator(`td[data-cell^="${service}/"][data-cell$="-production"]`);
    await expect.poll(() => production.textContent()).toContain('1.4.2');
    expect(await production.textContent()).toContain('board-release run #1');
    await page.waitForLoadState('networkidle');
    await page.getByRole('table', { name: 'Live board' }).waitFor();
    await screenshot(page, 'releases-board');
    await operator.close();
  });

  test('the diff stands beside the Approve button; the run page links a Deployment Run page with its plan approval and live logs', async ({
    harness: h,
  }) => {
    const url = await webFor(h);
    const { serviceId, stagingId, productionId } = await releaseCatalog(h, 'diff-page');
    const { createDeployment } = await ok<{ createDeployment: { id: string } }>(
      h,
      `mutation($i: DeploymentInput!) { createDeployment(input: $i) { id } }`,
      {
        i: {
          name: 'diff-page-production',
          serviceId,
          environmentId: productionId,
          planCommand: 'echo "plan: replace $LOCKSTEP_ARTIFACT_CHECKOUT_IMAGE_VERSION"',
          applyCommand: 'echo "apply $LOCKSTEP_ARTIFACT_CHECKOUT_IMAGE_DIGEST"',
          requirePlanApproval: true,
        },
      },
    );
    // What is live in production so far was reported from outside, with its artifact.
    const live = revisionAt(400);
    await ok(h, `mutation($i: ExternalDeploymentInput!) { recordExternalDeployment(input: $i) { id } }`, {
      i: {
        serviceId,
        environmentId: productionId,
        status: 'SUCCEEDED',
        startedAt: '2026-11-20T15:00:00Z',
        finishedAt: '2026-11-20T15:05:00Z',
        revision: live,
        artifacts: [{ name: 'checkout-image', version: '1.4.0', digest: `sha256:${live.sha}` }],
      },
    });
    const pipeline = await createPipeline(h, {
      name: 'diff-page-release',
      serviceId,
      stages: [
        { name: 'build', actions: [buildAction(path.join(scratch, 'diff-page-builds'))] },
        { name: 'staging', environmentId: stagingId, actions: [showArtifacts('smoke')] },
        {
          name: 'production',
          environmentId: productionId,
          actions: [
            approval('go-live', { timeoutSeconds: 3600 }),
            {
              name: 'deploy',
              kind: 'DEPLOYMENT',
              runOrder: 2,
              config: { deploymentId: createDeployment.id },
            },
          ],
        },
      ],
    });
    const candidate = revisionAt(410);
    const runId = await triggerRevision(h, pipeline.id, candidate, [live, revisionAt(405), candidate]);

    const approver = await signedIn(suite.browser, url, await h.tokenFor('APPROVER', 'diff-page-approver'));
    const page = watchErrors(await approver.newPage(), errors);
    await page.goto(`${url}/runs/${runId}`);
    const gate = page.getByRole('group', { name: 'Approval for go-live' });
    await gate.waitFor({ timeout: 30_000 });
    const diff = gate.getByRole('region', { name: 'What this approval deploys' });
    await expect.poll(() => diff.textContent()).toContain('2 new commits; checkout-image 1.4.0 -> 1.4.1');
    expect(await diff.getByRole('list', { name: 'Commits not live there yet' }).locator('li').count()).toBe(
      2,
    );
    expect(await diff.getByRole('table', { name: 'Artifact changes' }).textContent()).toContain('1.4.1');
    expect(await gate.getByRole('button', { name: 'Approve' }).isVisible()).toBe(true);
    await screenshot(page, 'approval-diff');
    await gate.getByLabel('Comment').first().fill('diff reviewed');
    await gate.getByRole('button', { name: 'Approve' }).click();

    // The staging stage and the DEPLOYMENT action link their Deployment Runs.
    await page.locator('[data-action="deploy"][data-action-status="WAITING_FOR_APPROVAL"]').waitFor({
      timeout: 30_000,
    });
    expect(
      await page
        .locator('.stage', { hasText: 'staging' })
        .getByRole('link', { name: 'Deployment run', exact: true })
        .count(),
    ).toBe(1);
    await page
      .locator('[data-action="deploy"]')
      .getByRole('link', { name: 'Deployment run', exact: true })
      .click();
    await page.waitForURL(/\/deployment-runs\//);
    const plan = page.getByRole('group', { name: 'Plan approval' });
    await plan.waitFor();
    expect(await plan.textContent()).toContain('checkout-image 1.4.0 -> 1.4.1');
    expect(await page.getByRole('list', { name: 'Artifacts it deploys' }).textContent()).toContain('1.4.1');
    await expect
      .poll(() => page.getByRole('log', { name: 'Logs of the deployment run' }).textContent())
      .toContain('plan: replace 1.4.1');
    await screenshot(page, 'deployment-run-waiting');
    await plan.getByRole('button', { name: 'Approve plan' }).click();
    await page.locator('section[data-deployment-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.getByRole('log', { name: 'Logs of the deployment run' }).textContent())
      .toContain(`apply sha256:${candidate.sha}`);
    expect(await page.textContent('main')).toContain('approved by diff-page-approver');
    await screenshot(page, 'deployment-run-succeeded');
    expect((await finishedRun(h, runId)).status).toBe('SUCCEEDED');
    await approver.close();
  });

  test('no page logged a console error or threw', () => {
    expect(errors).toEqual([]);
  });
});
