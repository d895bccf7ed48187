import { finishedDeploymentRunStatuses, type DeploymentRunStatus } from '../domain';
import { statement } from './statement';

/**
 * Deployments made outside Lockstep, stored once however often they are reported: the deployment run's
 * `external_key` says which report it is (the first one inserts it with db/deployment-runs.ts).
 */

export interface ExternalDeploymentUpdate {
  /** Which reported deployment: a digest of its service, environment, start and revision. */
  externalKey: string;
  status: DeploymentRunStatus;
  /** Null while it runs or waits. */
  finishedAt: Date | null;
  isRollback: boolean;
}

/** Reports of one deployment are applied one at a time (the first two may arrive together). */
export const lockExternalDeployment = statement<{ externalKey: string }, unknown>(
  `SELECT pg_advisory_xact_lock(hashtext('lockstep.external:' || $1))`,
  (p) => [p.externalKey],
);

/** The deployment a report is about, if it was reported before. */
export const externalDeploymentByKey = statement<
  { externalKey: string },
  Array<{ id: string; status: DeploymentRunStatus; finished_at: Date | null }>
>('SELECT id, status, finished_at FROM deployment_runs WHERE external_key = $1', (p) => [p.externalKey]);

/**
 * A later report of a known deployment (e.g. RUNNING, then SUCCEEDED): its id, or no row when it is unknown
 * or already finished (a finished deployment's status is final: only forward moves are applied).
 */
export const updateExternalDeployment = statement<ExternalDeploymentUpdate, [Array<{ id: string }>, number]>(
  `UPDATE deployment_runs SET status = $2, finished_at = $3, is_rollback = $4
    WHERE external_key = $1 AND status <> ALL ($5) RETURNING id`,
  (p) => [p.externalKey, p.status, p.finishedAt, p.isRollback, finishedDeploymentRunStatuses],
);

/** Marks the deployment run just inserted for a first report as that report's. */
export const setExternalKey = statement<{ deploymentRunId: string; externalKey: string }, unknown>(
  'UPDATE deployment_runs SET external_key = $2 WHERE id = $1',
  (p) => [p.deploymentRunId, p.externalKey],
);

export interface DeliveredCommit {
  deploymentRunId: string;
  sha: string;
  /** When the commit was authored: lead time counts from here (docs/dora.md, Lead time for changes). */
  committedAt: string;
  message: string | null;
  author: string | null;
}

/** A commit the deployment delivered, once (reported again, it changes nothing). */
export const addDeliveredCommit = statement<DeliveredCommit, unknown>(
  `INSERT INTO deployment_run_commits (deployment_run_id, sha, committed_at, message, author)
   VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
  (p) => [p.deploymentRunId, p.sha, p.committedAt, p.message, p.author],
);

/** Takes a commit out of a deployment's change set (the revision, once the commits were listed). */
export const removeDeliveredCommit = statement<{ deploymentRunId: string; sha: string }, unknown>(
  'DELETE FROM deployment_run_commits WHERE deployment_run_id = $1 AND sha = $2',
  (p) => [p.deploymentRunId, p.sha],
);
