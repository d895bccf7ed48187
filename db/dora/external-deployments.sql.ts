import { finishedDeploymentRunStatuses, type DeploymentRunStatus } from '../domain';
import { statement } from './statement';

/**
 * Deployments made outside Lockstep, stored once however often they are reported: the deployment run's
 * `external_key` says which report it is. Every statement takes a whole batch as arrays (one report is a
 * batch of one), so a thousand reports cost the same handful of statements as one.
 */

/** Reports of one deployment are applied one at a time (the first two may arrive together); locks in order. */
export const lockExternalDeployments = statement<{ externalKeys: string[] }, unknown>(
  `SELECT pg_advisory_xact_lock(h)
     FROM (SELECT DISTINCT hashtext('lockstep.external:' || k) AS h FROM unnest($1::text[]) k ORDER BY h OFFSET 0) l`,
  (p) => [p.externalKeys],
);

/** The deployments these reports are about that were reported before. */
export const externalDeploymentsByKeys = statement<
  { externalKeys: string[] },
  Array<{ id: string; external_key: string; status: DeploymentRunStatus; finished_at: Date | null }>
>(
  'SELECT id, external_key, status, finished_at FROM deployment_runs WHERE external_key = ANY ($1::text[])',
  (p) => [p.externalKeys],
);

/** A first report of a deployment, as it is stored. */
export interface NewExternalDeployment {
  id: string;
  externalKey: string;
  serviceId: string;
  environmentId: string;
  status: DeploymentRunStatus;
  revision: { sha: string; committedAt: string; message: string | null; author: string | null } | null;
  isRollback: boolean;
  startedAt: string;
  finishedAt: string | null;
}

/** First reports, one row each (the columns db/deployment-runs.ts fills for an engine's run, minus its links). */
export const insertExternalDeployments = statement<{ runs: NewExternalDeployment[] }, unknown>(
  `INSERT INTO deployment_runs (id, external_key, service_id, environment_id, status, revision_sha,
     revision_committed_at, revision_message, revision_author, is_rollback, external, started_at, finished_at)
   SELECT id, external_key, service_id, environment_id, status, revision_sha, revision_committed_at,
          revision_message, revision_author, is_rollback, true, started_at, finished_at
     FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[],
                 $8::text[], $9::text[], $10::boolean[], $11::timestamptz[], $12::timestamptz[])
          AS r (id, external_key, service_id, environment_id, status, revision_sha, revision_committed_at,
                revision_message, revision_author, is_rollback, started_at, finished_at)`,
  ({ runs }) => [
    runs.map((r) => r.id),
    runs.map((r) => r.externalKey),
    runs.map((r) => r.serviceId),
    runs.map((r) => r.environmentId),
    runs.map((r) => r.status),
    runs.map((r) => r.revision?.sha ?? null),
    runs.map((r) => r.revision?.committedAt ?? null),
    runs.map((r) => r.revision?.message ?? null),
    runs.map((r) => r.revision?.author ?? null),
    runs.map((r) => r.isRollback),
    runs.map((r) => r.startedAt),
    runs.map((r) => r.finishedAt),
  ],
);

export interface ExternalDeploymentUpdate {
  /** Which reported deployment: a digest of its service, environment, start and revision. */
  externalKey: string;
  status: DeploymentRunStatus;
  /** Null while it runs or waits. */
  finishedAt: string | null;
  isRollback: boolean;
}

/**
 * Later reports of known deployments (e.g. RUNNING, then SUCCEEDED). A finished deployment's status is
 * final: only forward moves are applied.
 */
export const updateExternalDeployments = statement<{ updates: ExternalDeploymentUpdate[] }, unknown>(
  `UPDATE deployment_runs d SET status = u.status, finished_at = u.finished_at, is_rollback = u.is_rollback
     FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::boolean[])
          AS u (external_key, status, finished_at, is_rollback)
    WHERE d.external_key = u.external_key AND d.status <> ALL ($5)`,
  ({ updates }) => [
    updates.map((u) => u.externalKey),
    updates.map((u) => u.status),
    updates.map((u) => u.finishedAt),
    updates.map((u) => u.isRollback),
    finishedDeploymentRunStatuses,
  ],
);

export interface DeliveredCommit {
  deploymentRunId: string;
  sha: string;
  /** When the commit was authored: lead time counts from here (docs/dora.md, Lead time for changes). */
  committedAt: string;
  message: string | null;
  author: string | null;
}

/** Commits the deployments delivered, once each (reported again, they change nothing). */
export const addDeliveredCommits = statement<{ commits: DeliveredCommit[] }, unknown>(
  `INSERT INTO deployment_run_commits (deployment_run_id, sha, committed_at, message, author)
   SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[])
   ON CONFLICT DO NOTHING`,
  ({ commits }) => [
    commits.map((c) => c.deploymentRunId),
    commits.map((c) => c.sha),
    commits.map((c) => c.committedAt),
    commits.map((c) => c.message),
    commits.map((c) => c.author),
  ],
);

/** Takes commits out of deployments' change sets (a revision, once the commits were listed). */
export const removeDeliveredCommits = statement<
  { commits: Array<{ deploymentRunId: string; sha: string }> },
  unknown
>(
  `DELETE FROM deployment_run_commits c USING unnest($1::uuid[], $2::text[]) AS r (deployment_run_id, sha)
    WHERE c.deployment_run_id = r.deployment_run_id AND c.sha = r.sha`,
  ({ commits }) => [commits.map((c) => c.deploymentRunId), commits.map((c) => c.sha)],
);
