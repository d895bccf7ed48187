import type { Context } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import type { ActionContext } from '../definitions';
import { lastActionLogSeq } from './log-writer';
import { appendEvent } from './projection.activity';
import { retryTransient } from './transient';

export const lostAttemptError = 'lost: the worker running this attempt stopped';

/**
 * Records the start of an activity attempt and returns its number. Numbers run on across executions (manual
 * retries): attempt k of execution e is numbered after every attempt of the executions before it, so the
 * same (execution, attempt) always maps to the same row. Temporal starts another attempt only when the
 * earlier ones did not complete, so an earlier attempt of this execution that never finished, or finished
 * without an error, was lost with its worker (its heartbeats stopped before its result reached Temporal): it
 * is closed as lost, and an action never shows two successful attempts. Failed attempts stay as they were.
 */
export async function beginAttempt(
  dataSource: DataSource,
  ctx: Context,
  action: ActionContext,
): Promise<{ attempt: number; lastLogSeq: number }> {
  const startedAt = new Date();
  // One statement: the attempt's row, earlier unfinished attempts of this execution closed as lost, and
  // the last log line of the action so far (its LogWriter numbers on from there: LogWriter.after).
  const rows: Array<{ number: number; last_log_seq: number }> = await retryTransient(() =>
    dataSource.query(
      `WITH attempt AS (
         INSERT INTO action_attempts (action_run_id, number, execution, started_at)
         SELECT $1, COALESCE((SELECT MAX(number) FROM action_attempts WHERE action_run_id = $1 AND execution < $2), 0) + $3, $2, $4
         ON CONFLICT (action_run_id, number) DO UPDATE SET started_at = EXCLUDED.started_at, finished_at = NULL, error = NULL, lost = false
         RETURNING number),
       lost AS (
         UPDATE action_attempts SET finished_at = COALESCE(finished_at, $4), error = $5, lost = true
          WHERE action_run_id = $1 AND execution = $2 AND (finished_at IS NULL OR (error IS NULL AND NOT lost))
            AND number < (SELECT number FROM attempt))
       SELECT number, (${lastActionLogSeq}) AS last_log_seq
         FROM attempt`,
      [action.actionRunId, action.execution, ctx.info.attempt, startedAt, lostAttemptError],
    ),
  );
  const attempt = rows[0]!.number;
  const lastLogSeq = rows[0]!.last_log_seq;
  if (ctx.info.attempt > 1) {
    await retryTransient(() =>
      appendEvent(dataSource.manager, action, {
        key: `retry:${action.actionRunId}:${attempt}`,
        type: 'ACTION_RETRYING',
        stageName: action.stageName,
        actionName: action.actionName,
        message: `attempt ${attempt}`,
        at: startedAt.toISOString(),
      }),
    );
  }
  return { attempt, lastLogSeq };
}

export async function finishAttempt(
  dataSource: DataSource,
  actionRunId: string,
  attempt: number,
  error: string | null,
  /** The attempt did not fail on its own account (cancelled, its worker shutting down): not counted. */
  lost = false,
): Promise<void> {
  // An attempt the next one already recorded lost (Temporal gave up on it, yet it ran on) stays lost: its
  // failure must not count against the retry policy, nor its end undo the record.
  await retryTransient(() =>
    dataSource.query(
      'UPDATE action_attempts SET finished_at = $3, error = $4, lost = $5 WHERE action_run_id = $1 AND number = $2 AND NOT lost',
      [actionRunId, attempt, new Date(), error, lost],
    ),
  );
}

/**
 * Attempts of this execution that failed on their own account (not lost with a worker). The action's retry
 * policy counts these: losing a worker never uses up an attempt the user asked for.
 */
export async function failedAttempts(dataSource: DataSource, action: ActionContext): Promise<number> {
  const rows: Array<{ n: number }> = await retryTransient(() =>
    dataSource.query(
      `SELECT count(*)::int AS n FROM action_attempts
        WHERE action_run_id = $1 AND execution = $2 AND error IS NOT NULL AND NOT lost`,
      [action.actionRunId, action.execution],
    ),
  );
  return rows[0]?.n ?? 0;
}
