import type { Context } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import { NamedStatement } from '../../db/named-statement';
import { secretsInScopeJson, type SealedSecretsJson } from '../../db/secret-store';
import type { ActionContext, RunCommandInput } from '../definitions';
import type { WorkerMetrics } from '../metrics/worker-metrics';
import { lastActionLogSeq } from './log-writer';
import { observeChange, type ChangedRow } from './projection-metrics';
import { appendEvent, attemptChangeParams, attemptStartStatement } from './projection.activity';
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
  const rows: Array<{ number: number; last_log_seq: number }> = await retryTransient(() =>
    beginStatements.alone.rows(dataSource, beginParams(ctx, action, startedAt)),
  );
  return begun(dataSource, ctx, action, startedAt, rows[0]!);
}

/**
 * A COMMAND attempt's beginning: `beginAttempt`, with the action's start when the attempt records it
 * (`RunCommandInput.start`, written as `recordAttemptChange` writes it and counted the same) and the secrets
 * in its scope, still sealed (`openSecretsJson`), read in the same statement: one round trip where there were
 * three. The start and the attempt's row touch different tables, so writing them together changes neither.
 */
export async function beginCommandAttempt(
  dataSource: DataSource,
  metrics: WorkerMetrics,
  ctx: Context,
  input: RunCommandInput,
): Promise<{ attempt: number; lastLogSeq: number; sealedSecrets: SealedSecretsJson }> {
  const startedAt = new Date();
  const own = [...beginParams(ctx, input, startedAt), input.environmentId, input.pipelineId];
  const { start } = input;
  const rows: Array<ChangedRow & { found: boolean | null } & BegunRow & { secrets: SealedSecretsJson }> =
    await retryTransient(() =>
      start
        ? beginStatements.command.withStart.rows(dataSource, [...attemptChangeParams(start), ...own])
        : beginStatements.command.alone.rows(dataSource, own),
    );
  const row = rows[0]!;
  if (start) observeChange(metrics, start, row.found ? row : undefined);
  return { ...(await begun(dataSource, ctx, input, startedAt, row)), sealedSecrets: row.secrets };
}

interface BegunRow {
  number: number;
  last_log_seq: number;
}

/**
 * The attempt's row, earlier unfinished attempts of this execution closed as lost ($1 action run, $2
 * execution, $3 Temporal's attempt, $4 the start, $5 the lost error).
 */
const beginCtes = `attempt AS (
         INSERT INTO action_attempts (action_run_id, number, execution, started_at)
         SELECT $1, COALESCE((SELECT MAX(number) FROM action_attempts WHERE action_run_id = $1 AND execution < $2), 0) + $3, $2, $4
         ON CONFLICT (action_run_id, number) DO UPDATE SET started_at = EXCLUDED.started_at, finished_at = NULL, error = NULL, lost = false
         RETURNING number),
       lost AS (
         UPDATE action_attempts SET finished_at = COALESCE(finished_at, $4), error = $5, lost = true
          WHERE action_run_id = $1 AND execution = $2 AND (finished_at IS NULL OR (error IS NULL AND NOT lost))
            AND number < (SELECT number FROM attempt))`;
/** What the attempt reads: its number and the action's last log line so far (LogWriter.after numbers on). */
const begunColumns = `(SELECT number FROM attempt) AS number, (${lastActionLogSeq}) AS last_log_seq`;
/** A command's also reads its secrets ($6 environment, $7 pipeline). */
const commandColumns = `${begunColumns}, (${secretsInScopeJson('$6', '$7')}) AS secrets`;
/** The same text with every parameter moved `by` places: for CTEs that follow another statement's. */
const shifted = (sql: string, by: number) => sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + by}`);
/**
 * The start change's parameters come first in `withStart`: as many as its statement uses (a count that does
 * not match what `attemptChangeParams` gives is refused by PostgreSQL on the first attempt).
 */
const changeParamCount = Math.max(
  ...[...attemptStartStatement().matchAll(/\$(\d+)/g)].map(([, n]) => Number(n)),
);
/** Run prepared (db/named-statement.ts): an attempt's beginning is among the worker's hottest statements. */
const beginStatements = {
  alone: new NamedStatement('lockstep_attempt_begin', `WITH ${beginCtes} SELECT ${begunColumns}`),
  command: {
    alone: new NamedStatement('lockstep_command_attempt_begin', `WITH ${beginCtes} SELECT ${commandColumns}`),
    withStart: new NamedStatement(
      'lockstep_command_attempt_begin_start',
      attemptStartStatement(
        `${shifted(beginCtes, changeParamCount)},\n`,
        shifted(commandColumns, changeParamCount),
      ),
    ),
  },
} as const;

const beginParams = (ctx: Context, action: ActionContext, startedAt: Date) => [
  action.actionRunId,
  action.execution,
  ctx.info.attempt,
  startedAt,
  lostAttemptError,
];

/** After the attempt's row: a retry's ACTION_RETRYING event. */
async function begun(
  dataSource: DataSource,
  ctx: Context,
  action: ActionContext,
  startedAt: Date,
  row: BegunRow,
): Promise<{ attempt: number; lastLogSeq: number }> {
  const attempt = row.number;
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
  return { attempt, lastLogSeq: row.last_log_seq };
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
