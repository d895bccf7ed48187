import type { DataSource } from 'typeorm';
import { finishedStatuses } from '../../db/domain';
import type { RunChange } from '../definitions';
import type { WorkerMetrics } from '../metrics/worker-metrics';

const seconds = (from: Date, to: string) => Math.max(0, (Date.parse(to) - from.getTime()) / 1000);

/**
 * Counts a projected change in the worker's metrics, once it is committed: a run's first start (with the
 * time it queued), a run's or an action's end (with its duration; an approval gate's is its wait). The
 * times are the rows' own, so the numbers agree with what the API shows. A projection retried after a crash
 * may count once more (Prometheus counters are for rates, not for bookkeeping); a failure to read is
 * ignored: metrics never fail a run.
 */
export async function observeChange(
  metrics: WorkerMetrics,
  dataSource: DataSource,
  change: RunChange,
): Promise<void> {
  try {
    if (change.target === 'run') await observeRun(metrics, dataSource, change);
    else if (change.target === 'action' && finishedStatuses.has(change.status))
      await observeAction(metrics, dataSource, change);
  } catch {
    // see above
  }
}

async function observeRun(
  metrics: WorkerMetrics,
  dataSource: DataSource,
  change: Extract<RunChange, { target: 'run' }>,
): Promise<void> {
  const finished = finishedStatuses.has(change.status);
  if (change.status !== 'RUNNING' && !finished) return;
  const [row] = await dataSource.query<Array<{ created_at: Date; started_at: Date | null }>>(
    `SELECT created_at, started_at FROM pipeline_runs WHERE id = $1`,
    [change.runId],
  );
  if (!row) return;
  if (change.status === 'RUNNING') {
    // RUNNING again after a wait keeps the first start: only the change that set it counts.
    if (row.started_at?.getTime() !== Date.parse(change.at)) return;
    metrics.runsStarted.inc();
    metrics.queueWait.observe(seconds(row.created_at, change.at));
    return;
  }
  metrics.runsFinished.inc({ status: change.status });
  if (row.started_at)
    metrics.runDuration.observe({ status: change.status }, seconds(row.started_at, change.at));
}

async function observeAction(
  metrics: WorkerMetrics,
  dataSource: DataSource,
  change: Extract<RunChange, { target: 'action' }>,
): Promise<void> {
  const [row] = await dataSource.query<Array<{ kind: string; started_at: Date | null }>>(
    `SELECT kind, started_at FROM action_runs WHERE id = $1`,
    [change.actionRunId],
  );
  if (!row) return;
  const labels = { kind: row.kind, status: change.status };
  metrics.actionsFinished.inc(labels);
  if (!row.started_at) return; // skipped or reused without starting
  const duration = seconds(row.started_at, change.at);
  metrics.actionDuration.observe(labels, duration);
  if (row.kind === 'APPROVAL') metrics.approvalWait.observe({ status: change.status }, duration);
}
