import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** Fields of an activity's input that say which run, stage and action a log line is about. */
const idFields = [
  'runId',
  'pipelineId',
  'stageRunId',
  'stageName',
  'actionRunId',
  'actionName',
  'execution',
  'deploymentRunId',
] as const;

/** The ids in an activity's first argument (every Lockstep activity takes one input object). */
export function logIdsOf(input: unknown): Record<string, string | number> {
  const ids: Record<string, string | number> = {};
  if (!input || typeof input !== 'object') return ids;
  for (const field of idFields) {
    const value = (input as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'number') ids[field] = value;
  }
  return ids;
}

/**
 * Adds the run, stage and action ids of the activity's input to every log line the SDK writes for it
 * (`Activity failed` with its error, above all), so the worker's log can be searched by run.
 */
export const activityLogIds: ActivityInterceptorsFactory = () => {
  let ids: Record<string, string | number> = {};
  return {
    inbound: {
      execute: (input, next) => {
        ids = logIdsOf(input.args[0]);
        return next(input);
      },
    },
    outbound: {
      getLogAttributes: (attributes, next) => next({ ...attributes, ...ids }),
    },
  };
};
