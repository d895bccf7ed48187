import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect } from 'vitest';
import { createLaneActivities } from '../../workflows/activities/lane.activity';
import type { StageEntry } from '../../workflows/definitions';
import { test, type Harness } from '../support/fixtures';
import {
  command,
  createPipeline,
  ended,
  eventTypes,
  getRun,
  setTransition,
  stageOf,
  trigger,
  waitForRun,
} from '../support/pipelines';

/**
 * A run's bookkeeping folded (patch engine-fold-bookkeeping, docs/run-semantics.md "Events and state"): its
 * start, the boundary read and the stage's start in one local activity (`enterStage`), its last stage's
 * success and its own in one step. The rows and the events are what they were, in the same order and keys.
 */

/** The run's events with their keys, in the order subscribers get them. */
async function keyedEvents(h: Harness, runId: string): Promise<string[]> {
  const rows: Array<{ type: string; event_key: string }> = await h.dataSource.query(
    `SELECT type, event_key FROM pipeline_events WHERE run_id = $1 AND event_key LIKE 'wf:%' ORDER BY id`,
    [runId],
  );
  return rows.map((r) => `${r.event_key} ${r.type}`);
}

/** The local activities the run's workflow ran, in order (from its Temporal history). */
async function localActivities(h: Harness, workflowId: string): Promise<string[]> {
  const history = await h.temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_local_activity') return [];
    const payload = marker.details?.data?.payloads?.[0];
    const data = payload ? defaultPayloadConverter.fromPayload<{ activity_type?: string }>(payload) : {};
    return [data.activity_type ?? '?'];
  });
}

const oneStage = (name: string) => ({
  name,
  executionMode: 'PARALLEL',
  stages: [{ name: 'build', actions: [command('compile', 'true'), command('test', 'true', 2)] }],
});

describe('folded bookkeeping', () => {
  test('a run writes its start with the stage start, its last stage success with its own: same rows, events and keys', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, oneStage('fold-plain'));
    const started = await trigger(h, pipeline.id);
    const run = await waitForRun(h, started.id, ended);
    expect(run.status).toBe('SUCCEEDED');
    const stage = stageOf(run, 'build');
    expect(stage.status).toBe('SUCCEEDED');
    expect(stage.startedAt).not.toBeNull();
    expect(stage.finishedAt).not.toBeNull();
    expect(run.startedAt).not.toBeNull();
    expect(run.finishedAt).not.toBeNull();
    expect(await keyedEvents(h, run.id)).toEqual([
      'wf:1 RUN_STARTED',
      'wf:2 STAGE_STARTED',
      'wf:3 ACTION_STARTED',
      'wf:4 ACTION_SUCCEEDED',
      'wf:5 ACTION_STARTED',
      'wf:6 ACTION_SUCCEEDED',
      'wf:7 STAGE_SUCCEEDED',
      'wf:8 RUN_SUCCEEDED',
    ]);
    // Two local activities where there were five: the arrival, and the last step.
    expect(await localActivities(h, started.temporalWorkflowId)).toEqual(['enterStage', 'recordRunChanges']);
  });

  test('a run whose first transition is disabled on arrival is RUNNING, then BLOCKED; the stage starts once it is enabled', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, oneStage('fold-blocked'));
    await setTransition(h, pipeline, 'build', false, 'recorded freeze');
    const started = await trigger(h, pipeline.id);
    const blocked = await waitForRun(h, started.id, (r) => stageOf(r, 'build').status === 'BLOCKED');
    expect(blocked.status).toBe('WAITING');
    expect(blocked.startedAt).not.toBeNull();
    // TRANSITION_BLOCKED takes the key the stage's start would have had.
    expect(await keyedEvents(h, started.id)).toEqual(['wf:1 RUN_STARTED', 'wf:2 TRANSITION_BLOCKED']);
    await setTransition(h, pipeline, 'build', true);
    const run = await waitForRun(h, started.id, ended);
    expect(run.status).toBe('SUCCEEDED');
    expect(await eventTypes(h, run.id)).toEqual([
      'RUN_STARTED',
      'TRANSITION_BLOCKED',
      'STAGE_STARTED',
      'ACTION_STARTED',
      'ACTION_SUCCEEDED',
      'ACTION_STARTED',
      'ACTION_SUCCEEDED',
      'STAGE_SUCCEEDED',
      'RUN_SUCCEEDED',
    ]);
    expect((await getRun(h, run.id)).stages[0]!.startedAt).not.toBeNull();
  });

  test('a stage entry run again keeps the answer it committed, though the transition was disabled since', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, oneStage('fold-entered-again'));
    const run = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended);
    await setTransition(h, pipeline, 'build', false, 'recorded freeze');
    const { enterStage } = createLaneActivities({ dataSource: h.dataSource, temporal: h.temporal });
    const stageRun = stageOf(run, 'build');
    const entry = (key: string): StageEntry => ({
      boundary: {
        runId: run.id,
        pipelineId: pipeline.id,
        executionMode: 'PARALLEL',
        stageId: pipeline.stages[0]!.id,
      },
      changes: [],
      ifEnabled: [
        {
          target: 'stage',
          runId: run.id,
          pipelineId: pipeline.id,
          stageRunId: stageRun.id,
          status: 'RUNNING',
          at: new Date(0).toISOString(),
          event: {
            key,
            type: 'STAGE_STARTED',
            stageName: 'build',
            actionName: null,
            message: null,
            at: new Date(0).toISOString(),
          },
        },
      ],
    });
    // As the run's own entry wrote it (wf:2 STAGE_STARTED), a second execution is let through again...
    expect(await enterStage(entry('wf:2'))).toMatchObject({ enabled: true });
    // ...while an entry that never wrote its start reads the transition as it is now.
    expect(await enterStage(entry('wf:99'))).toMatchObject({ enabled: false, reason: 'recorded freeze' });
    expect(await keyedEvents(h, run.id)).not.toContain('wf:99 STAGE_STARTED');
  });
});
