import type { Client } from '@temporalio/client';
import { describe, expect } from 'vitest';
import { callerOf, type AuthenticatedPrincipal } from '../../../server/auth/principal';
import { TokenService } from '../../../server/auth/token.service';
import { CatalogService } from '../../../server/catalog/catalog.service';
import { DeploymentService } from '../../../server/deployment/deployment.service';
import { RunService } from '../../../server/run/run.service';
import { eventually, test, type Harness } from '../../support/fixtures';
import {
  approval,
  command,
  createPipeline,
  getRun,
  revision,
  trigger,
  waitForRun,
} from '../../support/pipelines';

// The API commits a run's row, then starts its workflow. An API that dies in between (or a Temporal that
// loses the start) must not leave a row that blocks its pipeline's lane forever; and a workflow stopped
// from outside Lockstep (Temporal UI, CLI, history size limit) must not leave a run that looks alive.

/** A Temporal client whose start never comes back: the API process died right after committing the row. */
const diesBeforeStarting = { workflow: { start: () => new Promise(() => undefined) } } as unknown as Client;

async function principal(h: Harness, name: string): Promise<AuthenticatedPrincipal> {
  return callerOf(await new TokenService(h.dataSource).create(name, 'ADMIN'));
}

const rowOf = async (
  h: Harness,
  table: 'pipeline_runs' | 'deployment_runs',
  where: string,
  params: unknown[],
) =>
  eventually(
    () => h.dataSource.query<Array<{ id: string }>>(`SELECT id FROM ${table} WHERE ${where}`, params),
    (rows) => rows.length === 1,
  ).then((rows) => rows[0]!.id);

describe('ghost runs', () => {
  test('a run whose workflow start was lost does not block its QUEUED pipeline forever: it is started', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'ghostly',
      stages: [{ name: 'build', actions: [command('compile', 'true')] }],
    });
    const dead = new RunService(h.dataSource, diesBeforeStarting, h.taskQueue, 600);
    const rev = { sha: 'dead1234', committedAt: new Date('2026-01-01T00:00:00Z') };
    void dead.trigger(pipeline.id, rev, [], await principal(h, 'ghost-trigger'));
    const ghostId = await rowOf(h, 'pipeline_runs', 'pipeline_id = $1', [pipeline.id]);
    const next = await trigger(h, pipeline.id); // queued behind the ghost
    const ghost = await waitForRun(h, ghostId, (r) => r.status === 'SUCCEEDED', 30_000);
    expect(ghost.stages[0]!.actions[0]!.status).toBe('SUCCEEDED');
    await waitForRun(h, next.id, (r) => r.status === 'SUCCEEDED', 30_000);
  });

  test('a run terminated outside Lockstep ends with that reason and its lane goes to the next queued run', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'terminated',
      stages: [{ name: 'prod', actions: [approval('gate')] }],
    });
    const first = await trigger(h, pipeline.id);
    await waitForRun(h, first.id, (r) => r.status === 'WAITING');
    const second = await trigger(h, pipeline.id);
    expect((await getRun(h, second.id)).status).toBe('QUEUED');
    await h.temporal.workflow.getHandle(first.temporalWorkflowId).terminate('someone clicked Terminate');
    const ended = await waitForRun(h, first.id, (r) => r.status !== 'WAITING');
    expect(ended).toMatchObject({ status: 'FAILED', failureReason: 'terminated outside Lockstep' });
    expect(ended.stages[0]).toMatchObject({ status: 'CANCELLED' });
    expect(ended.stages[0]!.actions[0]).toMatchObject({ status: 'CANCELLED' });
    // The next run gets the lane and goes on to its own gate.
    await waitForRun(h, second.id, (r) => r.status === 'WAITING');
    await h.gql(`mutation($id: ID!) { cancelRun(runId: $id) { id } }`, { id: second.id });
  });

  test('a deployment run alone is started when its start was lost, and ended when terminated outside', async ({
    harness: h,
  }) => {
    const catalog = new CatalogService(h.dataSource);
    const service = await catalog.createService({ name: 'ghost-service' });
    const environment = await catalog.createEnvironment({ name: 'ghost-production', tier: 'PRODUCTION' });
    const deployments = new DeploymentService(h.dataSource, diesBeforeStarting, h.taskQueue);
    const lost = await deployments.create({
      name: 'ghost-deploy',
      serviceId: service.id,
      environmentId: environment.id,
      applyCommand: 'echo applied',
    });
    const rev = { sha: 'dead1234', committedAt: new Date('2026-01-01T00:00:00Z') };
    void deployments.run(lost.id, rev, await principal(h, 'ghost-deployer'));
    const ghostId = await rowOf(h, 'deployment_runs', 'deployment_id = $1', [lost.id]);
    await eventually(
      () =>
        h.dataSource.query<Array<{ status: string }>>('SELECT status FROM deployment_runs WHERE id = $1', [
          ghostId,
        ]),
      (rows) => rows[0]?.status === 'SUCCEEDED',
    );

    const waiting = await deployments.create({
      name: 'ghost-deploy-planned',
      serviceId: service.id,
      environmentId: environment.id,
      planCommand: 'echo plan',
      applyCommand: 'echo applied',
      requirePlanApproval: true,
    });
    const started = await h.gql<{ runDeployment: { id: string } }>(
      `mutation($d: ID!, $r: RevisionInput!) { runDeployment(deploymentId: $d, revision: $r) { id } }`,
      { d: waiting.id, r: revision },
    );
    const runId = started.data!.runDeployment.id;
    const status = () =>
      h.dataSource.query<Array<{ status: string; failure_reason: string | null }>>(
        'SELECT status, failure_reason FROM deployment_runs WHERE id = $1',
        [runId],
      );
    await eventually(status, (rows) => rows[0]?.status === 'WAITING');
    await h.temporal.workflow.getHandle(`deployment-run-${runId}`).terminate('stuck, killed by hand');
    const [ended] = await eventually(status, (rows) => rows[0]?.status !== 'WAITING');
    expect(ended).toEqual({ status: 'FAILED', failure_reason: 'terminated outside Lockstep' });
  });
});
