/**
 * PostgreSQL NOTIFY channels. The engine's projection announces each committed change; every API process
 * LISTENs and turns the announcements into GraphQL subscription messages. Payloads are small (ids only):
 * NOTIFY caps them at 8000 bytes, and subscribers read the rows themselves.
 */
export const notifyChannels = {
  /** `{ eventId, runId, pipelineId }`: an event was appended to pipeline_events. */
  events: 'lockstep_events',
  /** `{ actionRunId | deploymentRunId, fromSeq, toSeq }`: log lines were appended. */
  logs: 'lockstep_logs',
  /** `{ runId, pipelineId }`: something about a run changed (status, an attempt, an approval...). */
  runs: 'lockstep_runs',
  /** `{ tokenId }`: an API token was revoked; connections authenticated with it are closed. */
  tokens: 'lockstep_tokens',
  /** (no payload) webhook deliveries were queued: the worker's dispatcher starts their workflows. */
  deliveries: 'lockstep_deliveries',
} as const;

export interface EventNotification {
  eventId: string;
  runId: string;
  pipelineId: string;
}

export interface RunNotification {
  runId: string;
  pipelineId: string;
}

export interface LogNotification {
  /** Lines of an action run's attempts... */
  actionRunId?: string;
  /** ...or of a deployment run's plan and apply steps. */
  deploymentRunId?: string;
  fromSeq: number;
  toSeq: number;
}
