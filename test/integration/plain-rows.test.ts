import { isDeepStrictEqual } from 'node:util';
import { describe, expect } from 'vitest';
import { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import { createLoaders } from '../../server/graphql/loaders';
import { PlainRows } from '../../server/graphql/plain-rows';
import { listRuns } from '../../server/run/run-list';
import { test } from '../support/fixtures';
import { approval, command, createPipeline, ended, trigger, waitForRun } from '../support/pipelines';

describe('loaders read with plain SQL', () => {
  test('rows read by PlainRows equal what TypeORM find returns, entity by entity', async ({ harness: h }) => {
    const pipeline = await createPipeline(h, {
      name: 'plain-rows',
      stages: [{ name: 'build', actions: [command('compile', 'echo one'), approval('gate', {}, 2)] }],
    });
    const run = await trigger(h, pipeline.id);
    await waitForRun(h, run.id, (r) => r.status === 'WAITING' || ended(r));
    // Instants as PostgreSQL keeps them, to the microsecond: both ways must drop the same part.
    await h.dataSource.query(
      `UPDATE action_runs SET started_at = '2026-03-04T10:00:00.123999Z' WHERE run_id = $1`,
      [run.id],
    );

    const checked: string[] = [];
    for (const metadata of h.dataSource.entityMetadatas) {
      const entity = metadata.target as new () => { id: string };
      const plain = PlainRows.of(h.dataSource, entity);
      if (!plain || !metadata.columns.some((column) => column.propertyName === 'id')) continue;
      const rows = await h.dataSource.getRepository(entity).find({ take: 50 });
      const ids = rows.map((row) => row.id);
      const byId = (list: Array<{ id: string }>) => [...list].sort((a, b) => (a.id < b.id ? -1 : 1));
      const read = await plain.where('id', ids);
      expect(read.every((row) => row instanceof entity)).toBe(true);
      expect(isDeepStrictEqual(byId(read), byId(rows)), metadata.name).toBe(true);
      // Nested as JSON in a larger statement (the runs list's stages and actions), the same values again.
      const json: Array<{ row: Record<string, unknown> }> = await h.dataSource.query(
        `SELECT to_json(x) AS row FROM (SELECT ${plain.jsonColumns('t')} FROM ${metadata.tablePath} t
          WHERE t.id::text = ANY ($1::text[])) x`,
        [ids],
      );
      const fromJson = json.map(({ row }) => plain.fromJson(row));
      expect(fromJson.every((row) => row instanceof entity)).toBe(true);
      expect(isDeepStrictEqual(byId(fromJson), byId(rows)), `${metadata.name} as JSON`).toBe(true);
      if (rows.length > 0) checked.push(metadata.name);
    }
    // The runs list's own loaders are among those read with rows to compare.
    expect(checked).toEqual(expect.arrayContaining(['StageRunEntity', 'ActionRunEntity', 'PrincipalEntity']));
  });
});

describe('the runs list read with plain SQL', () => {
  test('each listed run equals what TypeORM find returns, but for the columns the list leaves out', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'plain-run-list',
      stages: [{ name: 'build', actions: [command('compile', 'echo one')] }],
    });
    for (let i = 0; i < 2; i++) {
      const run = await trigger(h, pipeline.id);
      await waitForRun(h, run.id, ended);
    }
    const { page, stagesByRun, actionsByStageRun } = await listRuns(
      h.dataSource,
      { pipelineId: pipeline.id, status: null },
      10,
      null,
    );
    const found = await h.dataSource
      .getRepository(PipelineRunEntity)
      .find({ where: { pipelineId: pipeline.id }, order: { createdAt: 'DESC' } });
    expect(page.totalCount).toBe(2);
    expect([stagesByRun, actionsByStageRun]).toEqual([null, null]); // not asked
    expect(page.edges.every(({ node }) => node instanceof PipelineRunEntity)).toBe(true);
    // The same values, types included (Dates, numbers, nulls); the two left out are not read at all.
    const listed = page.edges.map(({ node }) => node as PipelineRunEntity);
    expect(listed.map((run) => [run.definition, run.commits])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
    ]);
    const without = ({ definition: _d, commits: _c, ...rest }: PipelineRunEntity) => ({ ...rest });
    expect(isDeepStrictEqual(listed.map(without), found.map(without))).toBe(true);
  });

  test('stages and actions read ahead with the list equal what the loaders read, in their order', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'nested-run-list',
      stages: [
        {
          name: 'build',
          actions: [command('b-two', 'true', 2), command('b-one', 'true'), command('a-one', 'true')],
        },
        { name: 'deploy', actions: [command('ship', 'echo "VERSION=2" >> "$LOCKSTEP_OUTPUT"')] },
      ],
    });
    const runIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const run = await trigger(h, pipeline.id);
      await waitForRun(h, run.id, ended);
      runIds.push(run.id);
    }
    await h.dataSource.query(
      `UPDATE stage_runs SET finished_at = '2026-03-04T10:00:00.999999Z' WHERE run_id = $1`,
      [runIds[0]],
    );
    const filter = { pipelineId: pipeline.id, status: null };
    const stagesOnly = await listRuns(h.dataSource, filter, 10, null, { stages: true, actions: false });
    expect(stagesOnly.actionsByStageRun).toBeNull();
    const { page, stagesByRun, actionsByStageRun } = await listRuns(h.dataSource, filter, 10, null, {
      stages: true,
      actions: true,
    });
    expect(page.edges.map(({ node }) => node.id)).toEqual([...runIds].reverse());
    // Each compared with what the request's loaders read when nothing was primed, their order included.
    const loaders = createLoaders(h.dataSource);
    for (const runId of runIds) {
      const stages = await loaders.stageRunsByRun.load(runId);
      expect(stages.map((stage) => stage.name)).toEqual(['build', 'deploy']);
      expect(isDeepStrictEqual(stagesByRun!.get(runId), stages), 'stages').toBe(true);
      expect(isDeepStrictEqual(stagesOnly.stagesByRun!.get(runId), stages), 'stages only').toBe(true);
      for (const stage of stages) {
        const actions = await loaders.actionRunsByStageRun.load(stage.id);
        expect(isDeepStrictEqual(actionsByStageRun!.get(stage.id), actions), 'actions').toBe(true);
      }
    }
    const build = stagesByRun!.get(runIds[0]!)![0]!;
    expect(build.finishedAt).toEqual(new Date('2026-03-04T10:00:00.999Z'));
    expect(actionsByStageRun!.get(build.id)!.map((action) => action.name)).toEqual([
      'a-one',
      'b-one',
      'b-two',
    ]);
  });
});
