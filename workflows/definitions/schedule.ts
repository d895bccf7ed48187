import type { CommitFact } from '../../db/entities/pipeline-run.entity';
import type { RevisionFact } from './pipeline-run';

/** What a schedule's Temporal Schedule starts at each tick: a small workflow of its own, not a pipeline run. */
export const scheduledTriggerWorkflowType = 'scheduledTriggerWorkflow';

/** The Temporal Schedule of a pipeline schedule (what the Temporal UI lists). */
export function scheduleTemporalId(scheduleId: string): string {
  return `pipeline-schedule-${scheduleId}`;
}

/** Temporal appends each tick's time to this id, so every tick's workflow id is distinct and stable. */
export function scheduledTriggerWorkflowId(scheduleId: string): string {
  return `scheduled-trigger-${scheduleId}`;
}

/** Retries of a tick's activity: a few minutes of backoff while PostgreSQL or Temporal is away. */
export const scheduledTickRetry = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 10,
} as const;

export interface ScheduledTriggerInput {
  scheduleId: string;
  pipelineId: string;
}

export interface ScheduledTickInput extends ScheduledTriggerInput {
  /** The tick's workflow id and run id: a retried activity records the tick once. */
  tickKey: string;
}

export type ScheduledTickOutcome =
  | { outcome: 'TRIGGERED'; runId: string }
  | { outcome: 'NOTHING_TO_DEPLOY'; message: string }
  | { outcome: 'SCHEDULE_GONE' };

/**
 * Triggers a pipeline run as the API does (snapshot, then start its workflow). The worker is given one by
 * its composition root (main/worker.ts), since activities do not import server/.
 */
export type TriggerPipeline = (request: {
  pipelineId: string;
  revision: RevisionFact;
  commits: CommitFact[];
  principalId: string;
}) => Promise<{ runId: string }>;
