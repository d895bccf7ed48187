import type { DataSource, EntityManager } from 'typeorm';
import { notifyChannels, type EventNotification } from '../../db/notify';
import type { ApprovalRecord, EventRecord, RunChange } from '../definitions';

const terminal = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED', 'REJECTED', 'SUPERSEDED']);

/** Appends an event (once per key) and announces it; returns false when it was already recorded. */
export async function appendEvent(
  manager: EntityManager,
  ids: { runId: string; pipelineId: string },
  event: EventRecord,
): Promise<boolean> {
  const rows: Array<{ id: string }> = await manager.query(
    `INSERT INTO pipeline_events (run_id, pipeline_id, event_key, type, stage_name, action_name, message, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (run_id, event_key) DO NOTHING
     RETURNING id`,
    [
      ids.runId,
      ids.pipelineId,
      event.key,
      event.type,
      event.stageName,
      event.actionName,
      event.message,
      event.at,
    ],
  );
  const inserted = rows[0];
  if (!inserted) return false;
  const payload: EventNotification = {
    eventId: String(inserted.id),
    runId: ids.runId,
    pipelineId: ids.pipelineId,
  };
  await manager.query('SELECT pg_notify($1, $2)', [notifyChannels.events, JSON.stringify(payload)]);
  return true;
}

/** `SET` of a status change: times follow the status (a restart clears the finish). */
const statusSet = `status = $2,
       started_at = COALESCE($3::timestamptz, started_at),
       finished_at = CASE WHEN $4::timestamptz IS NOT NULL THEN $4::timestamptz
                          WHEN $3::timestamptz IS NOT NULL THEN NULL ELSE finished_at END,
       failure_reason = $5`;

/** The event a change raises ($8 null: none), inserted once per key and announced. */
const eventPart = `event AS (
    INSERT INTO pipeline_events (run_id, pipeline_id, event_key, type, stage_name, action_name, message, at)
    SELECT $6::uuid, $7::uuid, $8::text, $9::text, $10::text, $11::text, $12::text, $13::timestamptz
     WHERE $8::text IS NOT NULL
    ON CONFLICT (run_id, event_key) DO NOTHING
    RETURNING id)
  SELECT pg_notify($14::text, json_build_object('eventId', id::text, 'runId', $6::text, 'pipelineId', $7::text)::text)
    FROM event`;

/**
 * Parameters: $1 row id, $2-$5 status/started/finished/reason, $6-$13 the event, $14 channel, $15 outputs.
 * Every statement mentions $15 so PostgreSQL can type it; only actions have outputs.
 */
const changeStatements = {
  run: `WITH changed AS (UPDATE pipeline_runs SET ${statusSet} WHERE id = $1 AND $15::jsonb IS NULL RETURNING 1), ${eventPart}`,
  stage: `WITH changed AS (UPDATE stage_runs SET ${statusSet} WHERE id = $1 AND $15::jsonb IS NULL RETURNING 1), ${eventPart}`,
  action: `WITH changed AS (UPDATE action_runs SET ${statusSet}, outputs = COALESCE($15::jsonb, outputs) WHERE id = $1 RETURNING 1), ${eventPart}`,
} as const;

/**
 * Projects the workflow's state changes into PostgreSQL. Every write sets values the workflow decided
 * (status, timestamps from workflow time), so replaying a change after a crash leaves the same rows.
 */
export function createProjectionActivities({ dataSource }: { dataSource: DataSource }) {
  /**
   * One change as one statement (atomic on its own, one round trip): the row's new status and times, and
   * the event it raises, appended once per key and announced with NOTIFY.
   */
  async function applyChange(manager: EntityManager, change: RunChange): Promise<void> {
    // An approval gate starts when it opens; its start time also bounds which decisions belong to it.
    const startedAt =
      change.status === 'RUNNING' || change.status === 'WAITING_FOR_APPROVAL' ? change.at : null;
    const finishedAt = terminal.has(change.status) ? change.at : null;
    const event = change.event;
    const params: unknown[] = [
      change.target === 'run'
        ? change.runId
        : change.target === 'stage'
          ? change.stageRunId
          : change.actionRunId,
      change.status,
      startedAt,
      finishedAt,
      change.failureReason ?? null,
      change.runId,
      change.pipelineId,
      event?.key ?? null,
      event?.type ?? null,
      event?.stageName ?? null,
      event?.actionName ?? null,
      event?.message ?? null,
      event?.at ?? null,
      notifyChannels.events,
      change.target === 'action' && change.outputs ? JSON.stringify(change.outputs) : null,
    ];
    await manager.query(changeStatements[change.target], params);
  }

  async function recordRunChange(change: RunChange): Promise<void> {
    await applyChange(dataSource.manager, change);
  }

  /** Several changes in one transaction, in order (closing what a run leaves unfinished). */
  async function recordRunChanges(changes: RunChange[]): Promise<void> {
    await dataSource.transaction(async (manager) => {
      for (const change of changes) await applyChange(manager, change);
    });
  }

  /** Stores an accepted approval decision (once per person and execution) with its event. */
  async function recordApproval(record: ApprovalRecord): Promise<void> {
    await dataSource.transaction(async (manager) => {
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
    });
  }

  /** The current transition flag of a stage; a stage deleted since the run started no longer blocks. */
  async function readTransition(stageId: string): Promise<{ enabled: boolean; reason: string | null }> {
    const rows: Array<{ transition_enabled: boolean; transition_reason: string | null }> =
      await dataSource.query('SELECT transition_enabled, transition_reason FROM stages WHERE id = $1', [
        stageId,
      ]);
    const row = rows[0];
    return row
      ? { enabled: row.transition_enabled, reason: row.transition_reason }
      : { enabled: true, reason: null };
  }

  return { recordRunChange, recordRunChanges, recordApproval, readTransition };
}
