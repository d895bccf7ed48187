import { isDeepStrictEqual } from 'node:util';
import { describe, expect } from 'vitest';
import { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
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
    const page = await listRuns(h.dataSource, { pipelineId: pipeline.id, status: null }, 10, null);
    const found = await h.dataSource
      .getRepository(PipelineRunEntity)
      .find({ where: { pipelineId: pipeline.id }, order: { createdAt: 'DESC' } });
    expect(page.totalCount).toBe(2);
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
});
