import { run, type Queryable } from '../dora/statement';
import type { ArtifactRef } from './artifacts';
import { liveRevision, type LiveRevision } from './live';

/** A commit or revision as an approver reads it. */
export interface CommitFacts {
  sha: string;
  committedAt: Date;
  message: string | null;
  author: string | null;
}

export interface ArtifactChangeFacts {
  name: string;
  liveVersion: string | null;
  candidateVersion: string | null;
  liveDigest: string | null;
  candidateDigest: string | null;
}

/** What a person approves: the candidate against what is live where it would go. */
export interface ApprovalRequestFacts {
  serviceId: string | null;
  environmentId: string | null;
  live: LiveRevision | null;
  candidate: CommitFacts;
  /** Commits of the candidate that no successful deployment there has delivered, up to the live one. */
  newCommits: CommitFacts[];
  artifactChanges: ArtifactChangeFacts[];
  olderThanLive: boolean;
  expiresAt: Date | null;
  expired: boolean;
}

interface Candidate {
  serviceId: string | null;
  environmentId: string | null;
  revision: CommitFacts;
  commits: CommitFacts[];
  artifacts: ArtifactRef[];
  expiresAt: Date | null;
  expired: boolean;
}

interface ActionRow {
  kind: string;
  startedAt: Date | null;
  expired: boolean;
  runId: string;
  revisionSha: string;
  revisionCommittedAt: Date;
  revisionMessage: string | null;
  revisionAuthor: string | null;
  commits: Array<{ sha: string; committedAt: string; message: string | null; author: string | null }>;
  serviceId: string | null;
  environmentId: string | null;
  timeoutSeconds: number | null;
  requirePlanApproval: boolean | null;
}

/**
 * The approval request of an action run: an APPROVAL gate (the run's revision, commits and artifacts
 * against what is live for the pipeline's service in the stage's environment), or a DEPLOYMENT action
 * whose Deployment asks for a plan approval (its latest deployment run's). Null for anything else.
 */
export async function approvalRequestOfAction(
  db: Queryable,
  actionRunId: string,
): Promise<ApprovalRequestFacts | null> {
  const [action] = (await db.query(
    `SELECT a.kind, a.started_at AS "startedAt", a.approval_expired AS expired, r.id AS "runId",
            r.revision_sha AS "revisionSha", r.revision_committed_at AS "revisionCommittedAt",
            r.revision_message AS "revisionMessage", r.revision_author AS "revisionAuthor", r.commits,
            p.service_id AS "serviceId", s.environment_id AS "environmentId",
            (plan.action #>> '{config,timeoutSeconds}')::int AS "timeoutSeconds",
            (plan.action #>> '{deployment,requirePlanApproval}')::boolean AS "requirePlanApproval"
       FROM action_runs a
       JOIN pipeline_runs r ON r.id = a.run_id
       JOIN pipelines p ON p.id = r.pipeline_id
       JOIN stage_runs s ON s.id = a.stage_run_id
       LEFT JOIN LATERAL (
         SELECT jsonb_path_query_first(r.definition, '$.stages[*].actions[*] ? (@.actionRunId == $id)',
                                       jsonb_build_object('id', a.id::text)) AS action) plan ON true
      WHERE a.id = $1`,
    [actionRunId],
  )) as ActionRow[];
  if (!action) return null;
  if (action.kind === 'DEPLOYMENT') {
    if (!action.requirePlanApproval) return null;
    const [latest] = (await db.query(
      'SELECT id FROM deployment_runs WHERE action_run_id = $1 ORDER BY started_at DESC, id DESC LIMIT 1',
      [actionRunId],
    )) as Array<{ id: string }>;
    return latest ? approvalRequestOfDeploymentRun(db, latest.id) : null;
  }
  if (action.kind !== 'APPROVAL') return null;
  const revision: CommitFacts = {
    sha: action.revisionSha,
    committedAt: action.revisionCommittedAt,
    message: action.revisionMessage,
    author: action.revisionAuthor,
  };
  const commits = action.commits.map((c) => ({ ...c, committedAt: new Date(c.committedAt) }));
  const artifacts = (await db.query(
    `SELECT a.id, a.name, a.version, a.digest, a.uri
       FROM pipeline_run_artifacts c JOIN artifacts a ON a.id = c.artifact_id WHERE c.run_id = $1`,
    [action.runId],
  )) as ArtifactRef[];
  return compare(db, {
    serviceId: action.serviceId,
    environmentId: action.environmentId,
    revision,
    commits: commits.length > 0 ? commits : [revision],
    artifacts,
    expiresAt:
      action.timeoutSeconds && action.startedAt
        ? new Date(action.startedAt.getTime() + action.timeoutSeconds * 1000)
        : null,
    expired: action.expired,
  });
}

/** The approval request of a deployment run's plan: what it would deploy against what is live there. */
export async function approvalRequestOfDeploymentRun(
  db: Queryable,
  deploymentRunId: string,
): Promise<ApprovalRequestFacts | null> {
  const [row] = (await db.query(
    `SELECT service_id AS "serviceId", environment_id AS "environmentId", revision_sha AS sha,
            revision_committed_at AS "committedAt", revision_message AS message, revision_author AS author,
            plan_expires_at AS "expiresAt"
       FROM deployment_runs WHERE id = $1`,
    [deploymentRunId],
  )) as Array<{ serviceId: string; environmentId: string; expiresAt: Date | null } & CommitFacts>;
  if (!row || !row.sha) return null;
  const commits = (await db.query(
    `SELECT sha, committed_at AS "committedAt", message, author FROM deployment_run_commits
      WHERE deployment_run_id = $1 ORDER BY committed_at, sha`,
    [deploymentRunId],
  )) as CommitFacts[];
  const artifacts = (await db.query(
    `SELECT a.id, a.name, a.version, a.digest, a.uri
       FROM deployment_run_artifacts c JOIN artifacts a ON a.id = c.artifact_id WHERE c.deployment_run_id = $1`,
    [deploymentRunId],
  )) as ArtifactRef[];
  const { serviceId, environmentId, expiresAt, ...revision } = row;
  return compare(db, {
    serviceId,
    environmentId,
    revision,
    commits,
    artifacts,
    expiresAt, // the plan approval's deadline, once it waits with a timeout
    expired: false,
  });
}

/** The candidate against what is live for its service in its environment (nothing, without either). */
async function compare(db: Queryable, candidate: Candidate): Promise<ApprovalRequestFacts> {
  const { serviceId, environmentId } = candidate;
  const [live] = serviceId && environmentId ? await run(db, liveRevision, { serviceId, environmentId }) : [];
  let liveShas = new Set<string>();
  let liveArtifacts: ArtifactRef[] = [];
  if (live && serviceId && environmentId) {
    // Live there: what the live deployment delivered, and what successful deployments up to its revision
    // did (a rollback makes the commits of the runs it undid new again).
    const rows = (await db.query(
      `SELECT DISTINCT c.sha FROM deployment_run_commits c JOIN deployment_runs d ON d.id = c.deployment_run_id
        WHERE c.sha = ANY($1) AND d.service_id = $2 AND d.environment_id = $3 AND d.status = 'SUCCEEDED'
          AND (d.id = $4 OR d.revision_committed_at <= $5)`,
      [
        candidate.commits.map((c) => c.sha),
        serviceId,
        environmentId,
        live.deploymentRunId,
        live.revisionCommittedAt,
      ],
    )) as Array<{ sha: string }>;
    liveShas = new Set(rows.map((r) => r.sha));
    liveArtifacts = (await db.query(
      `SELECT a.id, a.name, a.version, a.digest, a.uri
         FROM deployment_run_artifacts c JOIN artifacts a ON a.id = c.artifact_id WHERE c.deployment_run_id = $1`,
      [live.deploymentRunId],
    )) as ArtifactRef[];
  }
  return {
    serviceId,
    environmentId,
    live: live ?? null,
    candidate: candidate.revision,
    newCommits: candidate.commits.filter((c) => !liveShas.has(c.sha)),
    artifactChanges: artifactChanges(liveArtifacts, candidate.artifacts),
    olderThanLive:
      live?.revisionCommittedAt != null &&
      candidate.revision.committedAt.getTime() < live.revisionCommittedAt.getTime(),
    expiresAt: candidate.expiresAt,
    expired: candidate.expired,
  };
}

/** Artifacts whose version or digest differ between live and candidate (added and removed ones too). */
export function artifactChanges(
  live: readonly ArtifactRef[],
  candidate: readonly ArtifactRef[],
): ArtifactChangeFacts[] {
  const names = [...new Set([...live, ...candidate].map((a) => a.name))].sort();
  return names.flatMap((name) => {
    const before = live.find((a) => a.name === name);
    const after = candidate.find((a) => a.name === name);
    if (before && after && before.version === after.version && before.digest === after.digest) return [];
    return [
      {
        name,
        liveVersion: before?.version ?? null,
        candidateVersion: after?.version ?? null,
        liveDigest: before?.digest ?? null,
        candidateDigest: after?.digest ?? null,
      },
    ];
  });
}

/** One line for a notification: "3 new commits; checkout-image 1.4.1 -> 1.4.2". */
export function approvalSummary(request: ApprovalRequestFacts): string {
  const n = request.newCommits.length;
  const parts = [n === 0 ? 'no new commits' : `${n} new commit${n === 1 ? '' : 's'}`];
  for (const change of request.artifactChanges) {
    const from = change.liveVersion ?? '(none)';
    const to = change.candidateVersion ?? '(none)';
    parts.push(from === to ? `${change.name} ${to} (new digest)` : `${change.name} ${from} -> ${to}`);
  }
  if (request.olderThanLive) parts.push('older than live');
  return parts.join('; ');
}

/** The one-line summary of the approval an APPROVAL_REQUESTED event announced (null: none found). */
export async function approvalSummaryOfEvent(
  db: Queryable,
  event: { runId: string; stageName: string | null; actionName: string | null },
): Promise<string | null> {
  const [action] = (await db.query(
    `SELECT a.id FROM action_runs a JOIN stage_runs s ON s.id = a.stage_run_id
      WHERE a.run_id = $1 AND s.name = $2 AND a.name = $3`,
    [event.runId, event.stageName, event.actionName],
  )) as Array<{ id: string }>;
  const request = action ? await approvalRequestOfAction(db, action.id) : null;
  return request ? approvalSummary(request) : null;
}
