import type { DataSource, EntityManager } from 'typeorm';
import { NamedStatement } from '../../db/named-statement';
import { finishedStatuses } from '../../db/domain';
import { notifyChannels } from '../../db/notify';
import type { ApprovalRecord, EventRecord, RunChange, RunStep } from '../definitions';
import type { WorkerMetrics } from '../metrics/worker-metrics';
import { observeChange, type ChangedRow } from './projection-metrics';

/**
 * An event ($3 null: none) appended once per key, announced on the events channel, and queued for every
 * webhook subscription that wants it (an outbox: the worker's dispatcher delivers, so a slow receiver
 * never slows a run); and the run announced as changed, event or not (live views re-read it).
 * Parameters $1-$11: run, pipeline, key, type, stage, action, message, at, and the events, deliveries and
 * runs channels. Statements that embed it put their own parameters after these.
 *
 * Event ids are the order subscribers see and resume from (`afterEventId`), so they must become visible in
 * id order: the id is taken under a transaction-level advisory lock, held until the writer commits, so no
 * event commits (and is announced) before one with a lower id. Without it, two workers (or two parallel
 * actions of one run) writing at once could commit 969 before 968: a subscriber would get them out of order,
 * and a client resuming after 969 would never get 968. The lock is taken only when there is an event.
 */
const eventCtesWhen = (condition: string) => `event AS (
    INSERT INTO pipeline_events (run_id, pipeline_id, event_key, type, stage_name, action_name, message, at)
    SELECT $1::uuid, $2::uuid, $3::text, $4::text, $5::text, $6::text, $7::text, $8::timestamptz
      FROM (SELECT pg_advisory_xact_lock(hashtext('lockstep.event-order'))) AS in_id_order
     WHERE $3::text IS NOT NULL AND ${condition}
    ON CONFLICT (run_id, event_key) DO NOTHING
    RETURNING id),
  queued AS (
    INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, run_id)
    SELECT s.id, e.id, $4::text, $1::uuid
      FROM event e
      JOIN webhook_subscriptions s
        ON (s.pipeline_id IS NULL OR s.pipeline_id = $2::uuid)
       AND (cardinality(s.event_types) = 0 OR $4::text = ANY (s.event_types))
    RETURNING 1)`;
const eventCtes = eventCtesWhen('true');
const eventNotify = `SELECT pg_notify($9::text, json_build_object('eventId', id::text, 'runId', $1::text, 'pipelineId', $2::text)::text)
    FROM event
  UNION ALL SELECT pg_notify($10::text, '') WHERE EXISTS (SELECT 1 FROM queued)
  UNION ALL SELECT pg_notify($11::text, json_build_object('runId', $1::text, 'pipelineId', $2::text)::text)`;
const eventPart = `${eventCtes}
  ${eventNotify}`;

function eventParams(ids: { runId: string; pipelineId: string }, event: EventRecord | undefined): unknown[] {
  return [
    ids.runId,
    ids.pipelineId,
    event?.key ?? null,
    event?.type ?? null,
    event?.stageName ?? null,
    event?.actionName ?? null,
    event?.message ?? null,
    event?.at ?? null,
    notifyChannels.events,
    notifyChannels.deliveries,
    notifyChannels.runs,
  ];
}

/** Appends an event (once per key), announces it and queues its webhook deliveries. */
export async function appendEvent(
  manager: EntityManager,
  ids: { runId: string; pipelineId: string },
  event: EventRecord,
): Promise<void> {
  await manager.query(`WITH ${eventPart}`, eventParams(ids, event));
}

/**
 * `SET` of a status change; a start clears the finish. A stage's or action's start is kept through waits
 * (RUNNING again after WAITING) and replaced only by a restart after a finish (a manual retry).
 */
const statusSet = (startedAt: string) => `status = $13,
       started_at = ${startedAt},
       finished_at = CASE WHEN $15::timestamptz IS NOT NULL THEN $15::timestamptz
                          WHEN $14::timestamptz IS NOT NULL THEN NULL ELSE finished_at END,
       failure_reason = $16`;
const restartable = `CASE WHEN $14::timestamptz IS NULL THEN started_at
                          WHEN started_at IS NULL OR finished_at IS NOT NULL THEN $14::timestamptz
                          ELSE started_at END`;
/** A run started once: a manual retry continues it. */
const firstStart = `COALESCE(started_at, $14::timestamptz)`;

/**
 * After the event's parameters: $12 row id, $13-$16 status/started/finished/reason, $17 outputs, $18 the
 * releases facts of an action (`skipReason`, `reusedFrom`, `approvalExpired`). Every statement mentions
 * $17 and $18 so PostgreSQL can type them; only actions have them.
 */
const actionReleaseSet = `skip_reason = COALESCE($18::jsonb->>'skipReason', skip_reason),
       reused_from_action_run_id = COALESCE(($18::jsonb->>'reusedFrom')::uuid, reused_from_action_run_id),
       approval_expired = approval_expired OR COALESCE(($18::jsonb->>'approvalExpired')::boolean, false)`;
/**
 * A change's statement hands back what the worker's metrics need of the row as it is now (`ChangedRow`), so
 * counting a change costs no second query; the notifications are sent whether the row was found or not.
 */
const changeStatement = (update: string, returning: string, events = eventCtes, before = '', also = '') =>
  `WITH ${before}changed AS (${update} RETURNING true AS found, ${returning}), ${events},
  notified AS (${eventNotify})
  SELECT changed.*${also} FROM (SELECT count(*) FROM notified) AS sent LEFT JOIN changed ON true`;
/** Among the worker's hottest statements: run prepared (db/named-statement.ts). */
const changeStatements = {
  run: new NamedStatement(
    'lockstep_change_run',
    changeStatement(
      `UPDATE pipeline_runs SET ${statusSet(firstStart)} WHERE id = $12 AND $17::jsonb IS NULL AND $18::jsonb IS NULL`,
      'NULL::text AS kind, created_at, started_at',
    ),
  ),
  stage: new NamedStatement(
    'lockstep_change_stage',
    changeStatement(
      `UPDATE stage_runs SET ${statusSet(restartable)} WHERE id = $12 AND $17::jsonb IS NULL AND $18::jsonb IS NULL`,
      'NULL::text AS kind, NULL::timestamptz AS created_at, started_at',
    ),
  ),
  action: new NamedStatement(
    'lockstep_change_action',
    changeStatement(
      // An action a COMMAND's attempt recorded SUCCEEDED before its result reached the workflow stays so when
      // the run is cancelled meanwhile (the workflow closes what it has not heard back from as CANCELLED).
      `UPDATE action_runs SET ${statusSet(restartable)}, outputs = COALESCE($17::jsonb, outputs), ${actionReleaseSet}
      WHERE id = $12 AND NOT (status = 'SUCCEEDED' AND $13 = 'CANCELLED')`,
      'kind, NULL::timestamptz AS created_at, started_at',
    ),
  ),
} as const;

/**
 * An action's change as its command's attempt records it (`recordAttemptChange`): the action change's
 * statement, applied only while the action has not finished since its start was decided ($14), or for a
 * success (no $14), while it has not finished otherwise (an attempt whose success reached PostgreSQL but
 * not Temporal is run again and records it again); its event only with it. A cancellation the workflow
 * recorded while an attempt was being picked up or was ending is not overwritten, and no event follows it.
 */
const attemptUpdate = `UPDATE action_runs SET ${statusSet(restartable)}, outputs = COALESCE($17::jsonb, outputs), ${actionReleaseSet}
    WHERE id = $12 AND (finished_at IS NULL OR finished_at < $14::timestamptz OR (status = 'SUCCEEDED' AND status = $13)
                        OR (status = 'SUCCEEDED' AND started_at = $14::timestamptz))`;
/**
 * A success counts only from the newest attempt of the action, and not from one recorded lost: an attempt
 * Temporal gave up on (its heartbeat timed out) may still end after the next one began.
 */
const newestAttempt = `AND NOT EXISTS (SELECT 1 FROM action_attempts a
                         WHERE a.action_run_id = $12 AND (a.number > $19::int OR (a.number = $19::int AND a.lost)))`;
/**
 * An action's start as its attempt records it (`attemptStatements.change`, below) with what the attempt itself
 * writes and reads as it begins, in one statement: `ctes` (ending in a comma; their parameters follow the
 * change's, from $19) and the columns `columns` returns beside the change's row. Parameters:
 * `attemptChangeParams(change)`, then the caller's.
 */
export const attemptStartStatement = (ctes = '', columns = '') =>
  changeStatement(
    attemptUpdate,
    'kind, NULL::timestamptz AS created_at, started_at',
    eventCtesWhen('EXISTS (SELECT 1 FROM changed)'),
    ctes,
    columns && `, ${columns}`,
  );

const attemptStatements = {
  change: new NamedStatement('lockstep_attempt_change', attemptStartStatement()),
  /** The same, with the attempt that succeeded ($19, its number) recorded as ended first, in one statement. */
  success: new NamedStatement(
    'lockstep_attempt_success',
    changeStatement(
      `${attemptUpdate} ${newestAttempt}`,
      'kind, NULL::timestamptz AS created_at, started_at',
      eventCtesWhen('EXISTS (SELECT 1 FROM changed)'),
      `attempt_ended AS (
       UPDATE action_attempts SET finished_at = $15::timestamptz, error = NULL
        WHERE action_run_id = $12 AND number = $19::int AND NOT lost),
     `,
    ),
  ),
} as const;

/** The releases facts of an action change, as $18 (null: none). */
function releaseFacts(change: RunChange): string | null {
  if (change.target !== 'action') return null;
  const { skipReason, reusedFromActionRunId, approvalExpired } = change;
  if (skipReason === undefined && reusedFromActionRunId === undefined && approvalExpired === undefined)
    return null;
  return JSON.stringify({ skipReason, reusedFrom: reusedFromActionRunId, approvalExpired });
}

/** A change's parameters, for every change statement: see `changeStatements`. */
function changeParams(change: RunChange): unknown[] {
  // An approval gate starts when it opens; its start time also bounds which decisions belong to it.
  const startedAt =
    change.status === 'RUNNING' || change.status === 'WAITING_FOR_APPROVAL' ? change.at : null;
  const finishedAt = finishedStatuses.has(change.status) ? change.at : null;
  return [
    ...eventParams(change, change.event),
    change.target === 'run'
      ? change.runId
      : change.target === 'stage'
        ? change.stageRunId
        : change.actionRunId,
    change.status,
    startedAt,
    finishedAt,
    change.failureReason ?? null,
    change.target === 'action' && change.outputs ? JSON.stringify(change.outputs) : null,
    releaseFacts(change),
  ];
}

/** The parameters of `attemptStartStatement`'s change ($1-$18). */
export const attemptChangeParams = (change: Extract<RunChange, { target: 'action' }>) => changeParams(change);

/**
 * Records a COMMAND action's start or success from inside its attempt (see `RunCommandInput`): one
 * statement, like the workflow's own changes, as idempotent, and counted in the same metrics. With
 * `endedAttempt` (a success), that attempt is recorded as ended without error in the same statement, so
 * whoever reads the run on ACTION_SUCCEEDED finds it ended.
 */
export async function recordAttemptChange(
  dataSource: DataSource,
  metrics: WorkerMetrics,
  change: Extract<RunChange, { target: 'action' }>,
  endedAttempt?: number,
): Promise<void> {
  const [row] = await (
    endedAttempt === undefined ? attemptStatements.change : attemptStatements.success
  ).rows<ChangedRow & { found: boolean | null }>(
    dataSource,
    endedAttempt === undefined ? changeParams(change) : [...changeParams(change), endedAttempt],
  );
  observeChange(metrics, change, row?.found ? row : undefined);
}

/**
 * One change as one statement (atomic on its own, one round trip): the row's new status and times, and the
 * event it raises, appended once per key and announced with NOTIFY. The caller counts it once committed
 * (`observeChange` with the row returned).
 */
export async function applyChange(
  manager: EntityManager,
  change: RunChange,
): Promise<ChangedRow | undefined> {
  const [row] = await changeStatements[change.target].rows<ChangedRow & { found: boolean | null }>(
    manager,
    changeParams(change),
  );
  return row?.found ? row : undefined; // the row was not found: the LEFT JOIN's nulls
}

/**
 * Projects the workflow's state changes into PostgreSQL. Every write sets values the workflow decided
 * (status, timestamps from workflow time), so replaying a change after a crash leaves the same rows.
 */
export function createProjectionActivities({
  dataSource,
  metrics,
}: {
  dataSource: DataSource;
  metrics: WorkerMetrics;
}) {
  /** Applies changes in one transaction, in order; then counts them (once committed). */
  async function applyChanges(changes: RunChange[], approvals: ApprovalRecord[] = []): Promise<void> {
    const rows = await dataSource.transaction(async (manager) => {
      for (const approval of approvals) await applyApproval(manager, approval);
      const applied: Array<ChangedRow | undefined> = [];
      for (const change of changes) applied.push(await applyChange(manager, change));
      return applied;
    });
    changes.forEach((change, i) => observeChange(metrics, change, rows[i]));
  }

  async function recordRunChange(change: RunChange): Promise<void> {
    observeChange(metrics, change, await applyChange(dataSource.manager, change));
  }

  /** Several changes in one transaction, in order (closing what a run leaves unfinished). */
  async function recordRunChanges(changes: RunChange[]): Promise<void> {
    await applyChanges(changes);
  }

  /** An accepted approval decision (once per person and execution) with its event. */
  async function applyApproval(manager: EntityManager, record: ApprovalRecord): Promise<void> {
    await manager.query(
      `INSERT INTO approvals (action_run_id, execution, principal_id, approved, comment, at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [
        record.actionRunId,
        record.execution,
        record.decision.principalId,
        record.decision.approved,
        record.decision.comment,
        record.at,
      ],
    );
    await appendEvent(manager, record, record.event);
  }

  /** Stores an accepted approval decision with its event. */
  async function recordApproval(record: ApprovalRecord): Promise<void> {
    await dataSource.transaction((manager) => applyApproval(manager, record));
  }

  /**
   * One step of a run in one transaction: its approvals, then its changes, each with its event. The events'
   * NOTIFYs are delivered at commit, so a subscriber that reads the run on an event sees the whole step.
   */
  async function recordRunStep(step: RunStep): Promise<void> {
    await applyChanges(step.changes, step.approvals);
  }

  return { recordRunChange, recordRunChanges, recordApproval, recordRunStep };
}
