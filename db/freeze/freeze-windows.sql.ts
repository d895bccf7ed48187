import { statement } from '../dora/statement';

/**
 * Freeze windows (docs/run-semantics.md, "Freeze windows"): what the engine and the API both ask. A window
 * covers an environment when it names it, or names none and the environment's tier is PRODUCTION; it is
 * active from `starts_at` (inclusive) to `ends_at` (exclusive), by the database's clock, so the engine and
 * the API never disagree about "now".
 */

export interface FreezeWindowRow {
  id: string;
  name: string;
  environmentId: string | null;
  startsAt: Date;
  endsAt: Date;
  reason: string | null;
  createdById: string;
  createdAt: Date;
}

const columns = `w.id, w.name, w.environment_id AS "environmentId", w.starts_at AS "startsAt", w.ends_at AS "endsAt",
       w.reason, w.created_by AS "createdById", w.created_at AS "createdAt"`;

/** A window active now over an environment, as a run at its boundary sees it (with this run's override). */
export interface ActiveFreezeRow {
  id: string;
  name: string;
  endsAt: Date;
  /** Milliseconds until it ends, by the database's clock. */
  endsInMs: number;
  overriddenBy: string | null;
  overrideReason: string | null;
}

/** A window `w` covers environment $1: its own, or one for every PRODUCTION environment and $1 is one. */
const coversEnvironment = `(w.environment_id = $1::uuid
           OR (w.environment_id IS NULL
               AND EXISTS (SELECT 1 FROM environments e WHERE e.id = $1::uuid AND e.tier = 'PRODUCTION')))`;

/** The windows active now over `environmentId`, each with `runId`'s override of it (if any), by end. */
export const activeFreezes = statement<{ environmentId: string; runId: string }, ActiveFreezeRow[]>(
  `SELECT w.id, w.name, w.ends_at AS "endsAt",
          ceil(extract(epoch FROM w.ends_at - now()) * 1000)::float8 AS "endsInMs",
          o.principal_name AS "overriddenBy", o.reason AS "overrideReason"
     FROM freeze_windows w
     LEFT JOIN freeze_overrides o ON o.window_id = w.id AND o.run_id = $2::uuid
    WHERE w.ends_at > now() AND w.starts_at <= now()
      AND ${coversEnvironment}
    ORDER BY w.ends_at, w.id`,
  (p) => [p.environmentId, p.runId],
);

/**
 * Windows by environment (null: any; a window for every PRODUCTION environment is listed under each of
 * them) and active at an instant (null: any time), by start. At most 500: a list for people to read.
 */
export const freezeWindowList = statement<
  { environmentId: string | null; activeAt: Date | null },
  FreezeWindowRow[]
>(
  `SELECT ${columns}
     FROM freeze_windows w
    WHERE ($1::uuid IS NULL OR ${coversEnvironment})
      AND ($2::timestamptz IS NULL OR (w.starts_at <= $2::timestamptz AND w.ends_at > $2::timestamptz))
    ORDER BY w.starts_at, w.id
    LIMIT 500`,
  (p) => [p.environmentId, p.activeAt],
);

export const insertFreezeWindow = statement<
  {
    name: string;
    environmentId: string | null;
    startsAt: Date;
    endsAt: Date;
    reason: string | null;
    createdById: string;
  },
  FreezeWindowRow[]
>(
  `INSERT INTO freeze_windows AS w (name, environment_id, starts_at, ends_at, reason, created_by)
   VALUES ($1, $2, $3, $4, $5, $6)
   RETURNING ${columns}`,
  (p) => [p.name, p.environmentId, p.startsAt, p.endsAt, p.reason, p.createdById],
);

/**
 * Deletes a window: no row when there was none; else one row per run it holds now (to be told: they re-read
 * and may go on), or one row with a null run.
 */
export const deleteFreezeWindow = statement<{ id: string }, Array<{ runId: string | null }>>(
  `WITH deleted AS (DELETE FROM freeze_windows WHERE id = $1 RETURNING id)
   SELECT h.run_id AS "runId" FROM deleted d LEFT JOIN freeze_holds h ON d.id = ANY (h.window_ids)`,
  (p) => [p.id],
);

/** Runs held by a freeze now, by id; a run that ended while held (cancelled, superseded) is not. */
export const freezeHolds = statement<
  { runIds: string[] },
  Array<{ runId: string; stageRunId: string; environmentId: string; windowIds: string[] }>
>(
  `SELECT h.run_id AS "runId", h.stage_run_id AS "stageRunId", h.environment_id AS "environmentId",
          h.window_ids AS "windowIds"
     FROM freeze_holds h JOIN pipeline_runs r ON r.id = h.run_id AND r.status = 'WAITING'
    WHERE h.run_id = ANY ($1::uuid[])`,
  (p) => [p.runIds],
);

/** The windows holding each of these runs now (deleted windows drop out), keyed by run, by end. */
export const windowsHoldingRuns = statement<{ runIds: string[] }, Array<FreezeWindowRow & { key: string }>>(
  `SELECT h.run_id AS key, ${columns}
     FROM freeze_holds h
     JOIN pipeline_runs r ON r.id = h.run_id AND r.status = 'WAITING'
     JOIN freeze_windows w ON w.id = ANY (h.window_ids)
    WHERE h.run_id = ANY ($1::uuid[])
    ORDER BY w.ends_at, w.id`,
  (p) => [p.runIds],
);

/** Records overrides of `windowIds` for a run (once per window), with who and why. */
export const insertFreezeOverrides = statement<
  { runId: string; windowIds: string[]; principalId: string; principalName: string; reason: string },
  unknown[]
>(
  `INSERT INTO freeze_overrides (run_id, window_id, window_name, principal_id, principal_name, reason)
   SELECT $1, w.id, w.name, $3, $4, $5 FROM freeze_windows w WHERE w.id = ANY ($2::uuid[])
   ON CONFLICT (run_id, window_id) DO NOTHING`,
  (p) => [p.runId, p.windowIds, p.principalId, p.principalName, p.reason],
);

/** The engine's record of a run held at a stage (replaced at each read), or of its release. */
export const recordFreezeHold = statement<
  { runId: string; stageRunId: string; environmentId: string; windowIds: string[] },
  unknown[]
>(
  `INSERT INTO freeze_holds (run_id, stage_run_id, environment_id, window_ids) VALUES ($1, $2, $3, $4)
   ON CONFLICT (run_id) DO UPDATE
     SET stage_run_id = EXCLUDED.stage_run_id, environment_id = EXCLUDED.environment_id,
         window_ids = EXCLUDED.window_ids,
         since = CASE WHEN freeze_holds.stage_run_id = EXCLUDED.stage_run_id THEN freeze_holds.since ELSE now() END`,
  (p) => [p.runId, p.stageRunId, p.environmentId, p.windowIds],
);

export const releaseFreezeHold = statement<{ runId: string }, unknown[]>(
  `DELETE FROM freeze_holds WHERE run_id = $1`,
  (p) => [p.runId],
);
