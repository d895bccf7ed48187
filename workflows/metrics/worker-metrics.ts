import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { activeRunStatuses } from '../../db/domain';
import { doraHeadline } from '../../db/dora/headline-gauges';

/** Seconds, from a quick action to a day-long approval or hold. */
const durationBuckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 86_400];

/**
 * The series the worker records (docs/operations.md, "Metrics"), registered on the registry its /metrics
 * serves. Labels are closed vocabularies (statuses, action kinds, outcomes): never ids, names or text a
 * user typed, so a scrape stays small and carries nothing secret.
 */
export function createWorkerMetrics(registry: Registry, dataSource?: DataSource) {
  const registers = [registry];
  const metrics = {
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
  if (dataSource) {
    // Read from the database at scrape time, so every worker reports the same truth (use max() across them).
    new Gauge({
      name: 'lockstep_runs_active',
      help: 'Pipeline runs not finished yet, by status (read from the database at each scrape)',
      labelNames: ['status'] as const,
      registers,
      async collect() {
        const rows = await dataSource.query<Array<{ status: string; count: string }>>(
          `SELECT status, count(*) AS count FROM pipeline_runs WHERE status = ANY ($1) GROUP BY status`,
          [[...activeRunStatuses]],
        );
        for (const status of activeRunStatuses) {
          this.set({ status }, Number(rows.find((row) => row.status === status)?.count ?? 0));
        }
      },
    });
    // One read per scrape fills the four DORA gauges (set by the first one collected).
    let latest: Promise<Awaited<ReturnType<typeof doraHeadline>>> | undefined;
    const headline = () =>
      (latest ??= doraHeadline(dataSource).finally(() => setTimeout(() => (latest = undefined), 1000)));
    const dora = (
      name: string,
      help: string,
      pick: (h: Awaited<ReturnType<typeof doraHeadline>>) => number | null,
    ) =>
      new Gauge({
        name,
        help: `${help} (DORA facts of the last 30 days, all services; read at each scrape)`,
        registers,
        async collect() {
          const value = pick(await headline());
          if (value === null) this.reset();
          else this.set(value);
        },
      });
    dora('lockstep_dora_deployments_30d', 'Production deployments', (h) => h.deployments);
    dora(
      'lockstep_dora_change_failure_ratio_30d',
      'Share of those deployments that failed (0-1)',
      (h) => h.changeFailureRatio,
    );
    dora(
      'lockstep_dora_lead_time_median_seconds_30d',
      'Median lead time for changes, in seconds',
      (h) => h.leadTimeMedianSeconds,
    );
    dora(
      'lockstep_dora_time_to_restore_median_seconds_30d',
      'Median time to restore, in seconds',
      (h) => h.restoreMedianSeconds,
    );
  }
  return metrics;
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
