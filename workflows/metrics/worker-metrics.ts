import { Counter, Histogram, type Registry } from 'prom-client';

/** Seconds, from a quick action to a day-long approval or hold. */
const durationBuckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 86_400];

/**
 * The series the worker records (docs/operations.md, "Metrics"), registered on the registry its /metrics
 * serves. Labels are closed vocabularies (statuses, action kinds, outcomes): never ids, names or text a
 * user typed, so a scrape stays small and carries nothing secret.
 */
export function createWorkerMetrics(registry: Registry) {
  const registers = [registry];
  return {
    runsStarted: new Counter({
      name: 'lockstep_runs_started_total',
      help: 'Pipeline runs that started their first stage (left QUEUED)',
      registers,
    }),
    runsFinished: new Counter({
      name: 'lockstep_runs_finished_total',
      help: 'Pipeline runs that ended, by final status',
      labelNames: ['status'] as const,
      registers,
    }),
    runDuration: new Histogram({
      name: 'lockstep_run_duration_seconds',
      help: 'From a run starting to its end, by final status',
      labelNames: ['status'] as const,
      buckets: durationBuckets,
      registers,
    }),
    queueWait: new Histogram({
      name: 'lockstep_run_queue_wait_seconds',
      help: "From a run's trigger to its start: the time it waited for its pipeline's lane",
      buckets: durationBuckets,
      registers,
    }),
    actionsFinished: new Counter({
      name: 'lockstep_actions_finished_total',
      help: 'Action executions that ended, by kind and final status',
      labelNames: ['kind', 'status'] as const,
      registers,
    }),
    actionDuration: new Histogram({
      name: 'lockstep_action_duration_seconds',
      help: 'From an action starting to its end (all its attempts), by kind and final status',
      labelNames: ['kind', 'status'] as const,
      buckets: durationBuckets,
      registers,
    }),
    approvalWait: new Histogram({
      name: 'lockstep_approval_wait_seconds',
      help: 'From an approval gate opening to its decision, by outcome (the final status of the gate)',
      labelNames: ['status'] as const,
      buckets: durationBuckets,
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'lockstep_webhook_deliveries_total',
      help: 'Outgoing webhook delivery attempts, by outcome: delivered (2xx), refused (another status), unreachable',
      labelNames: ['outcome'] as const,
      registers,
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
