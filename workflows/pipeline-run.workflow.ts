import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from './activities';
import type {
  ActionPlan,
  CommandConfig,
  EventRecord,
  PipelineRunInput,
  PipelineRunResult,
  RunChange,
  StagePlan,
} from './definitions';

/** Timeout and retry profiles; nothing here relies on the SDK's defaults by accident. */
const profiles = {
  projection: {
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  },
  command: { heartbeatTimeout: '15 seconds', defaultTimeoutSeconds: 3600 },
} as const;

const { recordRunChange } = proxyActivities<Activities>(profiles.projection);

type ActionOutcome = { ok: true; outputs: Record<string, string> } | { ok: false; reason: string };

function now(): string {
  return new Date().toISOString(); // workflow time: deterministic under replay
}

function reasonOf(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Runs `work` over `items` with at most `limit` in flight, keeping each result at its item's index. */
async function boundedAll<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Groups a stage's actions by runOrder, ascending. */
function actionGroups(stage: StagePlan): ActionPlan[][] {
  const byOrder = new Map<number, ActionPlan[]>();
  for (const action of stage.actions)
    byOrder.set(action.runOrder, [...(byOrder.get(action.runOrder) ?? []), action]);
  return [...byOrder.entries()].sort(([a], [b]) => a - b).map(([, actions]) => actions);
}

/**
 * One pipeline run: stages in order; inside a stage, action groups by ascending runOrder, the actions of a
 * group in parallel (at most maxParallel at once). A failed group lets its siblings finish and stops the line.
 */
export async function pipelineRunWorkflow(input: PipelineRunInput): Promise<PipelineRunResult> {
  const ids = { runId: input.runId, pipelineId: input.pipelineId };
  let eventCount = 0;
  const event = (type: EventRecord['type'], details: Partial<EventRecord> = {}): EventRecord => ({
    key: `wf:${++eventCount}`,
    type,
    stageName: null,
    actionName: null,
    message: null,
    at: now(),
    ...details,
  });
  const project = (change: RunChange) => recordRunChange(change);
  /** Outputs published by earlier actions, handed to later ones as environment variables. */
  const outputs: Record<string, string> = {};

  async function runAction(stage: StagePlan, action: ActionPlan): Promise<ActionOutcome> {
    const where = { stageName: stage.name, actionName: action.name };
    await project({
      target: 'action',
      ...ids,
      actionRunId: action.actionRunId,
      status: 'RUNNING',
      at: now(),
      event: event('ACTION_STARTED', where),
    });
    try {
      const result = await executeAction(input, stage, action, outputs);
      await project({
        target: 'action',
        ...ids,
        actionRunId: action.actionRunId,
        status: 'SUCCEEDED',
        at: now(),
        outputs: result.outputs,
        event: event('ACTION_SUCCEEDED', where),
      });
      return { ok: true, outputs: result.outputs };
    } catch (error) {
      const reason = reasonOf(error);
      await project({
        target: 'action',
        ...ids,
        actionRunId: action.actionRunId,
        status: 'FAILED',
        at: now(),
        failureReason: reason,
        event: event('ACTION_FAILED', { ...where, message: reason }),
      });
      return { ok: false, reason: `action "${action.name}" failed: ${reason}` };
    }
  }

  /** Runs a stage; returns the failure reason, or null when it succeeded. */
  async function runStage(stage: StagePlan): Promise<string | null> {
    await project({
      target: 'stage',
      ...ids,
      stageRunId: stage.stageRunId,
      status: 'RUNNING',
      at: now(),
      event: event('STAGE_STARTED', { stageName: stage.name }),
    });
    const groups = actionGroups(stage);
    for (const [index, group] of groups.entries()) {
      const outcomes = await boundedAll(group, stage.maxParallel, (action) => runAction(stage, action));
      for (const outcome of outcomes) if (outcome.ok) Object.assign(outputs, outcome.outputs);
      const failures = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.reason]));
      if (failures.length > 0) {
        for (const later of groups.slice(index + 1).flat()) {
          await project({
            target: 'action',
            ...ids,
            actionRunId: later.actionRunId,
            status: 'SKIPPED',
            at: now(),
          });
        }
        const reason = failures.join('; ');
        await project({
          target: 'stage',
          ...ids,
          stageRunId: stage.stageRunId,
          status: 'FAILED',
          at: now(),
          failureReason: reason,
          event: event('STAGE_FAILED', { stageName: stage.name, message: reason }),
        });
        return reason;
      }
    }
    await project({
      target: 'stage',
      ...ids,
      stageRunId: stage.stageRunId,
      status: 'SUCCEEDED',
      at: now(),
      event: event('STAGE_SUCCEEDED', { stageName: stage.name }),
    });
    return null;
  }

  await project({ target: 'run', ...ids, status: 'RUNNING', at: now(), event: event('RUN_STARTED') });
  const stages = [...input.plan.stages].sort((a, b) => a.position - b.position);
  for (const [index, stage] of stages.entries()) {
    const failure = await runStage(stage);
    if (failure !== null) {
      for (const later of stages.slice(index + 1)) {
        await project({
          target: 'stage',
          ...ids,
          stageRunId: later.stageRunId,
          status: 'SKIPPED',
          at: now(),
        });
        for (const action of later.actions) {
          await project({
            target: 'action',
            ...ids,
            actionRunId: action.actionRunId,
            status: 'SKIPPED',
            at: now(),
          });
        }
      }
      const reason = `stage "${stage.name}" failed: ${failure}`;
      await project({
        target: 'run',
        ...ids,
        status: 'FAILED',
        at: now(),
        failureReason: reason,
        event: event('RUN_FAILED', { message: reason }),
      });
      return { status: 'FAILED', failureReason: reason };
    }
  }
  await project({ target: 'run', ...ids, status: 'SUCCEEDED', at: now(), event: event('RUN_SUCCEEDED') });
  return { status: 'SUCCEEDED', failureReason: null };
}

/** Executes one action according to its kind. */
async function executeAction(
  input: PipelineRunInput,
  stage: StagePlan,
  action: ActionPlan,
  outputs: Record<string, string>,
): Promise<{ outputs: Record<string, string> }> {
  switch (action.kind) {
    case 'COMMAND': {
      const options: ActivityOptions = {
        startToCloseTimeout: `${action.timeoutSeconds ?? profiles.command.defaultTimeoutSeconds} seconds`,
        heartbeatTimeout: profiles.command.heartbeatTimeout,
        retry: {
          maximumAttempts: action.retryPolicy.maximumAttempts,
          initialInterval: action.retryPolicy.initialIntervalMs,
          backoffCoefficient: action.retryPolicy.backoffCoefficient,
          nonRetryableErrorTypes: ['InvalidOutput'],
        },
      };
      const { runCommand } = proxyActivities<Activities>(options);
      const config = action.config as unknown as CommandConfig;
      return runCommand({
        ...{ runId: input.runId, pipelineId: input.pipelineId },
        actionRunId: action.actionRunId,
        stageName: stage.name,
        actionName: action.name,
        revisionSha: input.revision.sha,
        command: { ...config, env: { ...outputs, ...config.env } },
        attemptBase: 0,
      });
    }
    default:
      throw ApplicationFailure.nonRetryable(
        `action kind ${action.kind} is not executable by this engine version`,
        'UnsupportedAction',
      );
  }
}
