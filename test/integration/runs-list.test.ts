import { describe, expect, vi } from 'vitest';
import { ok, test } from '../support/fixtures';
import { command, createPipeline, ended, trigger, waitForRun } from '../support/pipelines';

/**
 * `pipelineRuns`: newest first, paged by cursor, filtered. The list reads fewer columns than a run read by
 * id (server/run/run.presenter.ts): every field of a listed run must still answer as the run's own does.
 */
const fields = `
  id number status createdAt startedAt finishedAt failureReason temporalWorkflowId isRollback
  revision { sha message author committedAt }
  triggeredBy { name role }
  pipeline { id name }
  promotedFrom { id }
  artifacts { name }
  decisions { type }
  freezeWindowsHolding { id }
  currentStage { name }
  stages { name status startedAt finishedAt actions { name status outputs startedAt finishedAt } }`;

interface Listed {
  pipelineRuns: {
    totalCount: number;
    edges: Array<{ node: { id: string; number: number } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const listQuery = `query($pipelineId: ID, $first: Int, $after: String, $status: [RunStatus!]) {
  pipelineRuns(pipelineId: $pipelineId, first: $first, after: $after, status: $status) {
    totalCount edges { node { ${fields} } } pageInfo { hasNextPage endCursor }
  }
}`;

describe('pipelineRuns', () => {
  test('lists runs newest first, page by page, each answering every field as the run read by id', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'listed-runs',
      stages: [{ name: 'build', actions: [command('compile', 'echo "VERSION=1.2" >> "$LOCKSTEP_OUTPUT"')] }],
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await trigger(h, pipeline.id);
      await waitForRun(h, run.id, ended);
      ids.push(run.id);
    }

    const byId = async (id: string) =>
      (
        await ok<{ pipelineRun: unknown }>(h, `query($id: ID!) { pipelineRun(id: $id) { ${fields} } }`, {
          id,
        })
      ).pipelineRun;
    const first = await ok<Listed>(h, listQuery, { pipelineId: pipeline.id, first: 2 });
    expect(first.pipelineRuns.totalCount).toBe(3);
    expect(first.pipelineRuns.edges.map((e) => e.node.number)).toEqual([3, 2]);
    for (const { node } of first.pipelineRuns.edges) expect(node).toEqual(await byId(node.id));
    expect(first.pipelineRuns.edges[0]!.node).toMatchObject({
      status: 'SUCCEEDED',
      stages: [{ actions: [{ outputs: { VERSION: '1.2' } }] }],
    });
    expect(first.pipelineRuns.pageInfo.hasNextPage).toBe(true);

    const second = await ok<Listed>(h, listQuery, {
      pipelineId: pipeline.id,
      first: 2,
      after: first.pipelineRuns.pageInfo.endCursor,
    });
    expect(second.pipelineRuns.edges.map((e) => e.node.id)).toEqual([ids[0]]);
    expect(second.pipelineRuns.edges[0]!.node).toEqual(await byId(ids[0]!));
    expect(second.pipelineRuns.pageInfo.hasNextPage).toBe(false);

    const failed = await ok<Listed>(h, listQuery, { pipelineId: pipeline.id, status: ['FAILED'] });
    expect(failed.pipelineRuns).toMatchObject({ totalCount: 0, edges: [] });
  });

  test('pages through runs created within one millisecond without skipping any', async ({ harness: h }) => {
    const pipeline = await createPipeline(h, {
      name: 'same-millisecond',
      stages: [{ name: 'build', actions: [command('compile', 'true')] }],
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await trigger(h, pipeline.id);
      await waitForRun(h, run.id, ended);
      ids.push(run.id);
    }
    // As a burst of triggers can store them: the same millisecond, a few microseconds apart.
    for (const [i, id] of ids.entries())
      await h.dataSource.query(`UPDATE pipeline_runs SET created_at = $2::timestamptz WHERE id = $1`, [
        id,
        `2026-03-04T10:00:00.12300${i + 1}Z`,
      ]);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 4; page++) {
      const { pipelineRuns }: Listed = await ok<Listed>(h, listQuery, {
        pipelineId: pipeline.id,
        first: 1,
        after,
      });
      seen.push(...pipelineRuns.edges.map((e) => e.node.id));
      if (!pipelineRuns.pageInfo.hasNextPage) break;
      after = pipelineRuns.pageInfo.endCursor;
    }
    expect(seen).toEqual([...ids].reverse());
  });

  test('reads a page with its stages and actions in one statement, through fragments and aliases', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'one-statement',
      stages: [
        { name: 'build', actions: [command('compile', 'true'), command('test', 'true')] },
        { name: 'deploy', actions: [command('ship', 'true')] },
      ],
    });
    for (let i = 0; i < 3; i++) await waitForRun(h, (await trigger(h, pipeline.id)).id, ended);

    const query = `query($id: ID) { pipelineRuns(pipelineId: $id, first: 3) { ...Page } }
      fragment Page on PipelineRunConnection { edges { node { id steps: stages { ...S } } } }
      fragment S on StageRun { name actions { name status } }`;
    const spy = vi.spyOn(h.dataSource, 'query');
    try {
      const { pipelineRuns } = await ok<{
        pipelineRuns: { edges: Array<{ node: { steps: Array<{ name: string; actions: unknown[] }> } }> };
      }>(h, query, { id: pipeline.id });
      expect(pipelineRuns.edges).toHaveLength(3);
      for (const { node } of pipelineRuns.edges)
        expect(node.steps).toEqual([
          {
            name: 'build',
            actions: [
              { name: 'compile', status: 'SUCCEEDED' },
              { name: 'test', status: 'SUCCEEDED' },
            ],
          },
          { name: 'deploy', actions: [{ name: 'ship', status: 'SUCCEEDED' }] },
        ]);
      const reads = spy.mock.calls.filter(([sql]) => /stage_runs|action_runs/.test(String(sql)));
      expect(reads).toHaveLength(1);
      expect(String(reads[0]![0])).toContain('FROM pipeline_runs');

      // Asked for nothing below the run, the list leaves its stages unread.
      spy.mockClear();
      await ok(h, `query($id: ID) { pipelineRuns(pipelineId: $id) { edges { node { id } } } }`, {
        id: pipeline.id,
      });
      const [list] = spy.mock.calls.filter(([sql]) => String(sql).includes('FROM pipeline_runs'));
      expect(list![1]!.slice(5)).toEqual([false, false]);

      // A pipeline's own runs read ahead the same way, for the current stage and its actions (none: finished).
      spy.mockClear();
      const { pipeline: read } = await ok<{
        pipeline: { runs: { edges: Array<{ node: { currentStage: unknown } }> } };
      }>(
        h,
        `query($id: ID!) { pipeline(id: $id) { runs(first: 2) { edges { node {
           currentStage { name actions { name } } } } } } }`,
        { id: pipeline.id },
      );
      expect(read.runs.edges.map(({ node }) => node.currentStage)).toEqual([null, null]);
      const nested = spy.mock.calls.filter(([sql]) => /stage_runs|action_runs/.test(String(sql)));
      expect(nested).toHaveLength(1);
      expect(nested[0]![1]!.slice(5)).toEqual([true, true]);
    } finally {
      spy.mockRestore();
    }
  });
});
