import { describe, expect } from 'vitest';
import { test } from '../support/fixtures';
import {
  command,
  createPipeline,
  ended,
  eventTypes,
  ms,
  setTransition,
  stageOf,
  trigger,
  waitForRun,
} from '../support/pipelines';

const twoStages = (name: string, mode = 'QUEUED', buildCommand = 'true') => ({
  name,
  executionMode: mode,
  stages: [
    { name: 'build', actions: [command('compile', buildCommand)] },
    { name: 'production', actions: [command('deploy', 'echo deployed')] },
  ],
});

describe('stage transitions', () => {
  test('a disabled transition holds the run BLOCKED at that boundary until it is enabled', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, twoStages('freeze'));
    await setTransition(h, pipeline, 'production', false, 'holiday freeze');
    const run = await trigger(h, pipeline.id);
    const blocked = await waitForRun(
      h,
      run.id,
      (r) => stageOf(r, 'production').status === 'BLOCKED' && r.status === 'WAITING',
    );
    expect(stageOf(blocked, 'build').status).toBe('SUCCEEDED');
    expect(blocked.currentStage).toEqual({ name: 'production', status: 'BLOCKED' });
    const [event] = await h.dataSource.query(
      `SELECT stage_name, message FROM pipeline_events WHERE run_id = $1 AND type = 'TRANSITION_BLOCKED'`,
      [run.id],
    );
    expect(event).toEqual({ stage_name: 'production', message: 'transition disabled: holiday freeze' });

    const enabledAt = Date.now();
    await setTransition(h, pipeline, 'production', true);
    const done = await waitForRun(h, run.id, ended);
    expect(done.status).toBe('SUCCEEDED');
    expect(ms(stageOf(done, 'production').startedAt)).toBeGreaterThanOrEqual(enabledAt - 50);
  });

  test('a run sees the flag as it is when it arrives, not as it was when triggered', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, twoStages('late-freeze', 'QUEUED', 'sleep 2'));
    const run = await trigger(h, pipeline.id);
    await waitForRun(h, run.id, (r) => stageOf(r, 'build').status === 'RUNNING');
    await setTransition(h, pipeline, 'production', false, 'incident in progress');
    const blocked = await waitForRun(h, run.id, (r) => stageOf(r, 'production').status === 'BLOCKED');
    expect(stageOf(blocked, 'build').status).toBe('SUCCEEDED');
    await setTransition(h, pipeline, 'production', true);
    expect((await waitForRun(h, run.id, ended)).status).toBe('SUCCEEDED');
  });
});

describe('execution modes', () => {
  test('QUEUED runs one at a time, in trigger order', async ({ harness: h }) => {
    const pipeline = await createPipeline(h, {
      name: 'queued',
      stages: [{ name: 'deploy', actions: [command('slow', 'sleep 1')] }],
    });
    const first = await trigger(h, pipeline.id);
    const second = await trigger(h, pipeline.id);
    const third = await trigger(h, pipeline.id);
    const runs = [];
    for (const run of [first, second, third]) runs.push(await waitForRun(h, run.id, ended));
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(ms(runs[1]!.startedAt)).toBeGreaterThanOrEqual(ms(runs[0]!.finishedAt));
    expect(ms(runs[2]!.startedAt)).toBeGreaterThanOrEqual(ms(runs[1]!.finishedAt));
  });

  test('PARALLEL runs overlap', async ({ harness: h }) => {
    const pipeline = await createPipeline(h, {
      name: 'parallel',
      executionMode: 'PARALLEL',
      stages: [{ name: 'deploy', actions: [command('slow', 'sleep 2')] }],
    });
    const [a, b] = [await trigger(h, pipeline.id), await trigger(h, pipeline.id)];
    const [ra, rb] = [await waitForRun(h, a.id, ended), await waitForRun(h, b.id, ended)];
    expect(ms(rb.startedAt)).toBeLessThan(ms(ra.finishedAt));
  });

  test('SUPERSEDED: a holder that reaches a closed boundary after a newer run queued is replaced there', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, twoStages('superseded-late', 'SUPERSEDED', 'sleep 2'));
    await setTransition(h, pipeline, 'production', false, 'change freeze');
    const first = await trigger(h, pipeline.id);
    await waitForRun(h, first.id, (r) => stageOf(r, 'build').status === 'RUNNING');
    const second = await trigger(h, pipeline.id); // queued behind the holder, which is not blocked yet
    const replaced = await waitForRun(h, first.id, ended);
    expect(replaced.status).toBe('SUPERSEDED');
    expect(replaced.failureReason).toBe(`superseded by run ${second.id}`);
    await waitForRun(h, second.id, (r) => stageOf(r, 'production').status === 'BLOCKED');
    await setTransition(h, pipeline, 'production', true);
    expect((await waitForRun(h, second.id, ended)).status).toBe('SUCCEEDED');
  });

  test('SUPERSEDED: a newer run replaces older ones still waiting for the lane or at a boundary', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, twoStages('superseded', 'SUPERSEDED'));
    await setTransition(h, pipeline, 'production', false, 'waiting for a window');
    const first = await trigger(h, pipeline.id);
    await waitForRun(h, first.id, (r) => stageOf(r, 'production').status === 'BLOCKED');

    const second = await trigger(h, pipeline.id);
    const replaced = await waitForRun(h, first.id, ended);
    expect(replaced.status).toBe('SUPERSEDED');
    expect(replaced.failureReason).toBe(`superseded by run ${second.id}`);
    expect(stageOf(replaced, 'production').status).toBe('SKIPPED');
    expect((await eventTypes(h, first.id)).at(-1)).toBe('RUN_SUPERSEDED');

    // The second run now holds the lane and blocks at the same boundary; a third, queued behind, replaces it.
    await waitForRun(h, second.id, (r) => stageOf(r, 'production').status === 'BLOCKED');
    const third = await trigger(h, pipeline.id);
    expect((await waitForRun(h, second.id, ended)).status).toBe('SUPERSEDED');
    await waitForRun(h, third.id, (r) => stageOf(r, 'production').status === 'BLOCKED');
    await setTransition(h, pipeline, 'production', true);
    expect((await waitForRun(h, third.id, ended)).status).toBe('SUCCEEDED');
  });
});
