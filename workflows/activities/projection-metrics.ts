import { finishedStatuses } from '../../db/domain';
import type { RunChange } from '../definitions';
import type { WorkerMetrics } from '../metrics/worker-metrics';

const seconds = (from: Date, to: string) => Math.max(0, (Date.parse(to) - from.getTime()) / 1000);

/** The changed row as the change's statement returns it: an action's kind, a run's creation, the start. */
export interface ChangedRow {
  kind: string | null;
  created_at: Date | null;
  started_at: Date | null;
}

/**
 * Counts a projected change in the worker's metrics, once it is committed: a run's first start (with the
 * time it queued), a run's or an action's end (with its duration; an approval gate's is its wait). The
 * times are the row's own as the change's statement returned it (no second read), so the numbers agree with
 * what the API shows. A projection retried after a crash may count once more (Prometheus counters are for
 * rates, not for bookkeeping); a row not found counts nothing.
 */
export function observeChange(metrics: WorkerMetrics, change: RunChange, row: ChangedRow | undefined): void {
  if (!row) return;
  if (change.target === 'run') observeRun(metrics, change, row);
  else if (change.target === 'action' && finishedStatuses.has(change.status))
    observeAction(metrics, change, row);
}

function observeRun(
  metrics: WorkerMetrics,
  change: Extract<RunChange, { target: 'run' }>,
  row: ChangedRow,
): void {
  const finished = finishedStatuses.has(change.status);
  if (change.status !== 'RUNNING' && !finished) return;
  if (change.status === 'RUNNING') {
    // RUNNING again after a wait keeps the first start: only the change that set it counts.
    if (row.started_at?.getTime() !== Date.parse(change.at)) return;
    metrics.runsStarted.inc();
    if (row.created_at) metrics.queueWait.observe(seconds(row.created_at, change.at));
    return;
  }
  metrics.runsFinished.inc({ status: change.status });
  if (row.started_at)
    metrics.runDuration.observe({ status: change.status }, seconds(row.started_at, change.at));
}

function observeAction(
  metrics: WorkerMetrics,
  change: Extract<RunChange, { target: 'action' }>,
  row: ChangedRow,
): void {
  const labels = { kind: row.kind ?? 'UNKNOWN', status: change.status };
  metrics.actionsFinished.inc(labels);
  if (!row.started_at) return; // skipped or reused without starting
  const duration = seconds(row.started_at, change.at);
  metrics.actionDuration.observe(labels, duration);
  if (row.kind === 'APPROVAL') metrics.approvalWait.observe({ status: change.status }, duration);
}
