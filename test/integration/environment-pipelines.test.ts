import { describe, expect } from 'vitest';
import { type Harness, ok, test } from '../support/fixtures';
import { ended, ms, trigger, waitForRun } from '../support/pipelines';

const pipelineFields = `
  id name environment { id name }
  stages {
    id name position maxParallel defaultFor
    services { id name type }
    actions { id name kind runOrder config }
  }`;

interface PipelineView {
  id: string;
  name: string;
  environment: { id: string; name: string } | null;
  stages: Array<{
    id: string;
    name: string;
    position: number;
    maxParallel: number;
    defaultFor: string | null;
    services: Array<{ id: string; name: string; type: string | null }>;
    actions: Array<{
      id: string;
      name: string;
      kind: string;
      runOrder: number;
      config: { deploymentId?: string };
    }>;
  }>;
}

let counter = 0;

/** A fresh environment, so each test's pipeline is its own. */
async function environment(h: Harness): Promise<string> {
  const { createEnvironment } = await ok<{ createEnvironment: { id: string } }>(
    h,
    `mutation($i: EnvironmentInput!) { createEnvironment(input: $i) { id } }`,
    { i: { name: `env-${++counter}`, tier: 'STAGING' } },
  );
  return createEnvironment.id;
}

async function service(h: Harness, name: string, type: string | null): Promise<string> {
  const { createService } = await ok<{ createService: { id: string; type: string | null } }>(
    h,
    `mutation($i: ServiceInput!) { createService(input: $i) { id type } }`,
    { i: { name: `${name}-${++counter}`, team: 'platform', type } },
  );
  expect(createService.type).toBe(type);
  return createService.id;
}

async function deployment(h: Harness, serviceId: string, environmentId: string, applyCommand = 'true') {
  const { createDeployment } = await ok<{ createDeployment: { id: string; name: string } }>(
    h,
    `mutation($i: DeploymentInput!) { createDeployment(input: $i) { id name } }`,
    { i: { name: `deploy-${++counter}`, serviceId, environmentId, applyCommand } },
  );
  return createDeployment;
}

async function createEnvironmentPipeline(h: Harness, environmentId: string): Promise<PipelineView> {
  return (
    await ok<{ createEnvironmentPipeline: PipelineView }>(
      h,
      `mutation($e: ID!) { createEnvironmentPipeline(environmentId: $e) { ${pipelineFields} } }`,
      { e: environmentId },
    )
  ).createEnvironmentPipeline;
}

async function pipeline(h: Harness, id: string): Promise<PipelineView> {
  return (
    await ok<{ pipeline: PipelineView }>(h, `query($id: ID!) { pipeline(id: $id) { ${pipelineFields} } }`, {
      id,
    })
  ).pipeline;
}

/** Which stage holds each service, by stage name. */
const placement = (p: PipelineView) =>
  Object.fromEntries(p.stages.flatMap((stage) => stage.services.map((s) => [s.id, stage.name])));

const moveService = (h: Harness, pipelineId: string, serviceId: string, toStageId: string) =>
  h.gql<{ moveService: PipelineView }>(
    `mutation($p: ID!, $s: ID!, $t: ID!) { moveService(pipelineId: $p, serviceId: $s, toStageId: $t) { ${pipelineFields} } }`,
    { p: pipelineId, s: serviceId, t: toStageId },
  );

describe('environment pipelines', () => {
  test('four default stages, and every Deployment placed by its service type', async ({ harness: h }) => {
    const env = await environment(h);
    const db = await service(h, 'db', 'DATABASE');
    const web = await service(h, 'web', 'APPLICATION');
    const worker = await service(h, 'worker', 'JOB');
    const untyped = await service(h, 'legacy', null);
    const deployments = {
      db: await deployment(h, db, env),
      web: await deployment(h, web, env),
      worker: await deployment(h, worker, env),
      untyped: await deployment(h, untyped, env),
    };
    const elsewhere = await deployment(h, web, await environment(h));

    const p = await createEnvironmentPipeline(h, env);
    expect(p.environment?.id).toBe(env);
    expect(p.stages.map((s) => [s.name, s.position, s.maxParallel, s.defaultFor])).toEqual([
      ['0.DEFAULT DATABASE', 0, 4, 'DATABASE'],
      ['1.DEFAULT JOB', 1, 4, 'JOB'],
      ['2.DEFAULT CONTAINER', 2, 4, 'CONTAINER'],
      ['3.DEFAULT APPLICATION', 3, 4, 'APPLICATION'],
    ]);
    expect(placement(p)).toEqual({
      [db]: '0.DEFAULT DATABASE',
      [worker]: '1.DEFAULT JOB',
      [web]: '3.DEFAULT APPLICATION',
      [untyped]: '3.DEFAULT APPLICATION', // no type: the last stage
    });
    const deployed = p.stages.flatMap((s) => s.actions.map((a) => [s.name, a.kind, a.config.deploymentId]));
    expect(deployed).toEqual(
      expect.arrayContaining([
        ['0.DEFAULT DATABASE', 'DEPLOYMENT', deployments.db.id],
        ['1.DEFAULT JOB', 'DEPLOYMENT', deployments.worker.id],
        ['3.DEFAULT APPLICATION', 'DEPLOYMENT', deployments.web.id],
        ['3.DEFAULT APPLICATION', 'DEPLOYMENT', deployments.untyped.id],
      ]),
    );
    expect(deployed.map(([, , id]) => id)).not.toContain(elsewhere.id);

    const { environments } = await ok<{
      environments: Array<{ id: string; pipeline: { id: string } | null }>;
    }>(h, `{ environments { id pipeline { id } } }`);
    expect(environments.find((e) => e.id === env)?.pipeline?.id).toBe(p.id);

    const again = await h.gql(`mutation($e: ID!) { createEnvironmentPipeline(environmentId: $e) { id } }`, {
      e: env,
    });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  test('a Deployment created later lands in its type’s default stage, or the last once that was renamed', async ({
    harness: h,
  }) => {
    const env = await environment(h);
    const p = await createEnvironmentPipeline(h, env);
    const cache = await service(h, 'cache', 'CONTAINER');
    await deployment(h, cache, env);
    expect(placement(await pipeline(h, p.id))[cache]).toBe('2.DEFAULT CONTAINER');

    // A second Deployment of the same service joins it where it already is.
    await ok(
      h,
      `mutation($p: ID!, $s: ID!, $t: ID!) { moveService(pipelineId: $p, serviceId: $s, toStageId: $t) { id } }`,
      {
        p: p.id,
        s: cache,
        t: p.stages[0]!.id,
      },
    );
    const second = await deployment(h, cache, env);
    const afterSecond = await pipeline(h, p.id);
    expect(afterSecond.stages[0]!.actions.map((a) => a.config.deploymentId)).toContain(second.id);

    // Rename the CONTAINER default stage (and keep the rest): it is no longer the default for anything.
    const input = {
      name: afterSecond.name,
      stages: afterSecond.stages.map((stage) => ({
        name: stage.name === '2.DEFAULT CONTAINER' ? 'containers' : stage.name,
        environmentId: env,
        actions: stage.actions.map((a) => ({
          name: a.name,
          kind: a.kind,
          runOrder: a.runOrder,
          config: a.config,
        })),
      })),
    };
    const { updatePipeline } = await ok<{ updatePipeline: PipelineView }>(
      h,
      `mutation($id: ID!, $i: PipelineInput!) { updatePipeline(id: $id, input: $i) { ${pipelineFields} } }`,
      { id: p.id, i: input },
    );
    expect(updatePipeline.stages.map((s) => [s.name, s.defaultFor])).toEqual([
      ['0.DEFAULT DATABASE', 'DATABASE'],
      ['1.DEFAULT JOB', 'JOB'],
      ['containers', null],
      ['3.DEFAULT APPLICATION', 'APPLICATION'],
    ]);
    expect(placement(updatePipeline)[cache]).toBe('0.DEFAULT DATABASE');

    const api = await service(h, 'api', 'CONTAINER');
    await deployment(h, api, env);
    const database = await service(h, 'pg', 'DATABASE');
    await deployment(h, database, env);
    const now = placement(await pipeline(h, p.id));
    expect(now[api]).toBe('3.DEFAULT APPLICATION'); // its default stage was renamed: the last stage
    expect(now[database]).toBe('0.DEFAULT DATABASE');
  });

  test('moveService moves the service and its actions; a service in two stages is refused', async ({
    harness: h,
  }) => {
    const env = await environment(h);
    const web = await service(h, 'shop', 'APPLICATION');
    const d = await deployment(h, web, env);
    const p = await createEnvironmentPipeline(h, env);
    const res = await moveService(h, p.id, web, p.stages[1]!.id);
    expect(res.errors).toBeUndefined();
    const moved = res.data!.moveService;
    expect(placement(moved)[web]).toBe('1.DEFAULT JOB');
    expect(moved.stages[1]!.actions.map((a) => a.config.deploymentId)).toEqual([d.id]);
    expect(moved.stages[3]!.actions).toEqual([]);

    const other = await createEnvironmentPipeline(h, await environment(h));
    expect((await moveService(h, p.id, web, other.stages[0]!.id)).errors?.[0]?.extensions?.field).toBe(
      'toStageId',
    );
    expect((await moveService(h, other.id, web, other.stages[0]!.id)).errors?.[0]?.extensions?.field).toBe(
      'serviceId',
    );

    // Through updatePipeline: the same service's Deployments in two stages.
    const second = await deployment(h, web, env);
    const current = await pipeline(h, p.id);
    const stages = current.stages.map((stage) => ({
      name: stage.name,
      actions: stage.actions.map((a) => ({ name: a.name, kind: a.kind, config: a.config })),
    }));
    const split = stages[1]!.actions.find((a) => a.config.deploymentId === second.id)!;
    stages[1]!.actions = stages[1]!.actions.filter((a) => a !== split);
    stages[2]!.actions.push(split);
    const refused = await h.gql(
      `mutation($id: ID!, $i: PipelineInput!) { updatePipeline(id: $id, input: $i) { id } }`,
      {
        id: p.id,
        i: { name: current.name, stages },
      },
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.stages[2].actions[0].config.deploymentId',
    });
  });

  test('the one-stage invariant holds in the database, under two concurrent moves', async ({
    harness: h,
  }) => {
    const env = await environment(h);
    const web = await service(h, 'store', 'APPLICATION');
    await deployment(h, web, env);
    await deployment(h, web, env);
    const p = await createEnvironmentPipeline(h, env);
    const [a, b] = await Promise.all([
      moveService(h, p.id, web, p.stages[0]!.id),
      moveService(h, p.id, web, p.stages[2]!.id),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    const rows: Array<{ stage_id: string }> = await h.dataSource.query(
      `SELECT DISTINCT a.stage_id FROM actions a JOIN stages s ON s.id = a.stage_id
        WHERE s.pipeline_id = $1 AND a.kind = 'DEPLOYMENT'`,
      [p.id],
    );
    expect(rows).toHaveLength(1);
    const placements: Array<{ stage_id: string }> = await h.dataSource.query(
      'SELECT stage_id FROM stage_services WHERE pipeline_id = $1 AND service_id = $2',
      [p.id, web],
    );
    expect(placements).toEqual(rows);

    // Whatever the code does, a second placement or an action outside its service's stage is refused.
    await expect(
      h.dataSource.query(
        'INSERT INTO stage_services (pipeline_id, service_id, stage_id) VALUES ($1, $2, $3)',
        [p.id, web, p.stages[1]!.id],
      ),
    ).rejects.toMatchObject({ code: '23505' });
    await expect(
      h.dataSource.query(`UPDATE actions SET stage_id = $1 WHERE service_id = $2 AND pipeline_id = $3`, [
        p.stages[1]!.id,
        web,
        p.id,
      ]),
    ).rejects.toMatchObject({ code: '23503' });
  });

  test('six services in one stage: never more than four deploying at once', async ({ harness: h }) => {
    const env = await environment(h);
    for (let i = 0; i < 6; i++)
      await deployment(h, await service(h, `app${i}`, 'APPLICATION'), env, 'sleep 1.5');
    const p = await createEnvironmentPipeline(h, env);
    expect(p.stages[3]!.services).toHaveLength(6);
    const run = await trigger(h, p.id);
    const done = await waitForRun(h, run.id, ended, 60_000);
    expect(done.status).toBe('SUCCEEDED');
    const { deploymentRuns } = await ok<{
      deploymentRuns: {
        edges: Array<{ node: { startedAt: string; finishedAt: string; pipelineRun: { id: string } | null } }>;
      };
    }>(
      h,
      `query($e: ID!) { deploymentRuns(environmentId: $e, first: 50) { edges { node { startedAt finishedAt pipelineRun { id } } } } }`,
      {
        e: env,
      },
    );
    const runs = deploymentRuns.edges.map((e) => e.node).filter((n) => n.pipelineRun?.id === run.id);
    expect(runs).toHaveLength(6);
    const overlapAt = (t: number) => runs.filter((r) => ms(r.startedAt) <= t && t < ms(r.finishedAt)).length;
    const most = Math.max(...runs.map((r) => overlapAt(ms(r.startedAt))));
    expect(most).toBe(4);
  });

  test('updateDeployment and deleteDeployment: refused with CONFLICT while a pipeline uses it', async ({
    harness: h,
  }) => {
    const env = await environment(h);
    const web = await service(h, 'blog', 'APPLICATION');
    const d = await deployment(h, web, env);
    const p = await createEnvironmentPipeline(h, env);
    const update = (input: Record<string, unknown>) =>
      h.gql<{ updateDeployment: { applyCommand: string; environment: { id: string } } }>(
        `mutation($id: ID!, $i: DeploymentInput!) { updateDeployment(id: $id, input: $i) { applyCommand environment { id } } }`,
        {
          id: d.id,
          i: { name: d.name, serviceId: web, environmentId: env, applyCommand: 'echo v2', ...input },
        },
      );
    expect((await update({})).data?.updateDeployment.applyCommand).toBe('echo v2');
    const other = await environment(h);
    expect((await update({ environmentId: other })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const del = () =>
      h.gql<{ deleteDeployment: boolean }>(`mutation($id: ID!) { deleteDeployment(id: $id) }`, { id: d.id });
    const refused = await del();
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toContain(p.name);

    // Out of the pipeline, it can be deleted.
    await ok(h, `mutation($id: ID!, $i: PipelineInput!) { updatePipeline(id: $id, input: $i) { id } }`, {
      id: p.id,
      i: { name: p.name, stages: p.stages.map((s) => ({ name: s.name, actions: [] })) },
    });
    expect((await del()).data?.deleteDeployment).toBe(true);
    const { deployments } = await ok<{ deployments: Array<{ id: string }> }>(h, `{ deployments { id } }`);
    expect(deployments.map((x) => x.id)).not.toContain(d.id);
  });
});
