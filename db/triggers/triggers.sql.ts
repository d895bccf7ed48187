import type { CommitFact } from '../entities/pipeline-run.entity';
import { statement } from '../dora/statement';

/** A revision to trigger with, and the commits it delivers. */
export interface TriggerRevision {
  sha: string;
  committedAt: string;
  message: string | null;
  author: string | null;
  commits: CommitFact[];
}

/** The pipelines a push to this branch triggers (GitHub spells owner/name in any case). */
export const pipelinesBySource = statement<{ repository: string; branch: string }, Array<{ id: string }>>(
  `SELECT id FROM pipelines
    WHERE lower(source_repository) = lower($1) AND source_branch = $2
    ORDER BY created_at, id`,
  (p) => [p.repository, p.branch],
);

/** A push to a branch, kept so that a schedule deploys what was pushed last. */
export const recordPush = statement<
  { repository: string; branch: string; deliveryId: string; revision: TriggerRevision },
  unknown
>(
  `INSERT INTO source_pushes
     (repository, branch, revision_sha, revision_message, revision_author, revision_committed_at, commits, delivery_id)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  (p) => [
    p.repository,
    p.branch,
    p.revision.sha,
    p.revision.message,
    p.revision.author,
    p.revision.committedAt,
    JSON.stringify(p.revision.commits),
    p.deliveryId,
  ],
);

/** The revision pushed last to the pipeline's source branch, with that push's commits. */
export const latestPushedRevision = statement<{ pipelineId: string }, TriggerRevision[]>(
  `SELECT s.revision_sha AS sha, to_json(s.revision_committed_at) #>> '{}' AS "committedAt",
          s.revision_message AS message, s.revision_author AS author, s.commits
     FROM pipelines p
     JOIN source_pushes s ON lower(s.repository) = lower(p.source_repository) AND s.branch = p.source_branch
    WHERE p.id = $1
    ORDER BY s.pushed_at DESC
    LIMIT 1`,
  (p) => [p.pipelineId],
);

/** The revision of the pipeline's latest successful run, with that run's commits. */
export const latestSucceededRevision = statement<{ pipelineId: string }, TriggerRevision[]>(
  `SELECT revision_sha AS sha, to_json(revision_committed_at) #>> '{}' AS "committedAt",
          revision_message AS message, revision_author AS author, commits
     FROM pipeline_runs
    WHERE pipeline_id = $1 AND status = 'SUCCEEDED'
    ORDER BY finished_at DESC NULLS LAST, number DESC
    LIMIT 1`,
  (p) => [p.pipelineId],
);

/** A schedule's tick as it was recorded (a retried activity finds it and does nothing again). */
export const scheduleTick = statement<
  { scheduleId: string; tickKey: string },
  Array<{ outcome: string; runId: string | null; message: string | null }>
>(
  `SELECT outcome, run_id AS "runId", message FROM schedule_ticks WHERE schedule_id = $1 AND tick_key = $2`,
  (p) => [p.scheduleId, p.tickKey],
);

export const recordScheduleTick = statement<
  {
    scheduleId: string;
    tickKey: string;
    outcome: 'TRIGGERED' | 'NOTHING_TO_DEPLOY';
    runId: string | null;
    message: string | null;
  },
  unknown
>(
  `INSERT INTO schedule_ticks (schedule_id, tick_key, outcome, run_id, message) VALUES ($1, $2, $3, $4, $5)
   ON CONFLICT (schedule_id, tick_key) DO NOTHING`,
  (p) => [p.scheduleId, p.tickKey, p.outcome, p.runId, p.message],
);

/** The run a schedule triggered last. */
export const lastScheduledRun = statement<{ scheduleId: string }, Array<{ runId: string }>>(
  `SELECT run_id AS "runId" FROM schedule_ticks
    WHERE schedule_id = $1 AND run_id IS NOT NULL
    ORDER BY at DESC LIMIT 1`,
  (p) => [p.scheduleId],
);
