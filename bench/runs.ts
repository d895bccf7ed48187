import { tsToMs } from '@temporalio/common/lib/time';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AuthenticatedPrincipal } from '../server/auth/principal';
import type { PipelineInput } from '../server/pipeline/pipeline.types';
import type { RevisionInput } from '../server/run/revision.types';
import {
  pipelineRunWorkflowId,
  type PipelineRunInput,
  type PipelineRunResult,
} from '../workflows/definitions';
import type { bareSequentialWorkflow } from './bench-workflows';
import type { BenchEnvironment } from './environment';

/** Longest a single run may take before the bench gives up on it (a stuck run, not a slow one). */
const runTimeoutMs = 120_000;

const revision: RevisionInput = {
  sha: 'be7c4a5e1f00',
  committedAt: new Date('2026-11-20T10:00:00Z'),
  message: 'benchmark',
  author: 'bench@example.com',
};

/** Waits for `work`, failing fast when the worker dies or the work takes longer than `timeoutMs`. */
export async function guarded<T>(
  env: BenchEnvironment,
  what: string,
  work: Promise<T>,
  timeoutMs = runTimeoutMs,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, env.workerStopped, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A pipeline of no-op COMMAND actions in one stage, each in its own group: they run one after another. */
export function sequentialCommandPipeline(
  name: string,
  actions: number,
  executionMode: PipelineInput['executionMode'],
): PipelineInput {
  return {
    name,
    executionMode,
    stages: [
      {
        name: 'run',
        actions: Array.from({ length: actions }, (_, i) => ({
          name: `noop-${i + 1}`,
          kind: 'COMMAND' as const,
          runOrder: i + 1,
          config: { command: 'true' },
        })),
      },
    ],
  };
}

export interface TriggeredRun {
  runId: string;
  workflowId: string;
  plan: PipelineRunInput['plan'];
  /** The workflow's result, guarded against a dead worker and a stuck run. */
  result: Promise<PipelineRunResult>;
}

/** Triggers a run as users do (RunService.trigger, which writes its rows and starts its workflow). */
export async function trigger(
  env: BenchEnvironment,
  pipelineId: string,
  principal: AuthenticatedPrincipal,
): Promise<TriggeredRun> {
  const run = await env.runs.trigger(pipelineId, revision, null, principal);
  const workflowId = pipelineRunWorkflowId(run.id);
  env.openWorkflows.add(workflowId);
  const handle =
    env.temporal.workflow.getHandle<(input: PipelineRunInput) => Promise<PipelineRunResult>>(workflowId);
  const result = guarded(env, `run ${run.id}`, handle.result()).then((outcome) => {
    env.openWorkflows.delete(workflowId);
    if (outcome.status !== 'SUCCEEDED')
      throw new Error(`run ${run.id} ended ${outcome.status}: ${outcome.failureReason ?? 'no reason given'}`);
    return outcome;
  });
  result.catch(() => undefined); // the caller awaits it; this only keeps an early failure from going unhandled
  return { runId: run.id, workflowId, plan: run.definition as unknown as PipelineRunInput['plan'], result };
}

export interface TimedRun {
  workflowId: string;
  ms: number;
}

/** One of our runs end to end: from the trigger request to the workflow's result. */
export async function timeOurRun(
  env: BenchEnvironment,
  pipelineId: string,
  principal: AuthenticatedPrincipal,
): Promise<TimedRun> {
  const started = performance.now();
  const run = await trigger(env, pipelineId, principal);
  await run.result;
  return { workflowId: run.workflowId, ms: performance.now() - started };
}

/** One bare baseline workflow end to end: from the start request to its result. */
export async function timeBareRun(
  env: BenchEnvironment,
  activities: number,
  /** bareSequentialWorkflow (no-op activities) or bareCommandWorkflow (each spawns `true`). */
  workflow: 'bareSequentialWorkflow' | 'bareCommandWorkflow' = 'bareSequentialWorkflow',
): Promise<TimedRun> {
  const started = performance.now();
  const workflowId = `bench-bare-${randomUUID()}`;
  const handle = await env.temporal.workflow.start<typeof bareSequentialWorkflow>(workflow, {
    taskQueue: env.taskQueue,
    workflowId,
    args: [activities],
  });
  env.openWorkflows.add(workflowId);
  await guarded(env, `bare workflow ${workflowId}`, handle.result()).catch((error: Error) => {
    // The activity's failure is two causes down (workflow failed <- activity failed <- its error).
    const cause = (error.cause as Error | undefined)?.cause as Error | undefined;
    throw new Error(`${workflow} ${workflowId} failed: ${cause?.message ?? error.message}`, { cause: error });
  });
  env.openWorkflows.delete(workflowId);
  return { workflowId, ms: performance.now() - started };
}

/** Where one workflow's time went, read from its Temporal history. */
export interface RunProfile {
  activities: number;
  workflowTasks: number;
  /** Workflow started to workflow completed. */
  totalMs: number;
  /** Activity and workflow tasks waiting for a worker to pick them up (scheduled to started). */
  queuedMs: number;
  /** Activities executing (started to completed), in all and per activity type. */
  activityMs: number;
  activityMsByType: Record<string, number>;
  /** The worker running workflow code (workflow task started to completed). */
  workflowTaskMs: number;
}

export async function profileRun(env: BenchEnvironment, workflowId: string): Promise<RunProfile> {
  const history = await env.temporal.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const at = new Map<string, number>();
  const activityType = new Map<string, string>();
  const profile: RunProfile = {
    activities: 0,
    workflowTasks: 0,
    totalMs: 0,
    queuedMs: 0,
    activityMs: 0,
    activityMsByType: {},
    workflowTaskMs: 0,
  };
  const since = (eventId: unknown, now: number) => now - (at.get(String(eventId)) ?? now);
  for (const event of events) {
    const now = tsToMs(event.eventTime);
    at.set(String(event.eventId), now);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      profile.activities++;
      activityType.set(String(event.eventId), scheduled.activityType?.name ?? 'unknown');
    }
    if (event.activityTaskStartedEventAttributes)
      profile.queuedMs += since(event.activityTaskStartedEventAttributes.scheduledEventId, now);
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const ms = since(completed.startedEventId, now);
      const type = activityType.get(String(completed.scheduledEventId)) ?? 'unknown';
      profile.activityMs += ms;
      profile.activityMsByType[type] = (profile.activityMsByType[type] ?? 0) + ms;
    }
    if (event.workflowTaskStartedEventAttributes)
      profile.queuedMs += since(event.workflowTaskStartedEventAttributes.scheduledEventId, now);
    if (event.workflowTaskCompletedEventAttributes) {
      profile.workflowTasks++;
      profile.workflowTaskMs += since(event.workflowTaskCompletedEventAttributes.startedEventId, now);
    }
  }
  const first = events[0];
  const last = events[events.length - 1];
  if (first && last) profile.totalMs = tsToMs(last.eventTime) - tsToMs(first.eventTime);
  return profile;
}
