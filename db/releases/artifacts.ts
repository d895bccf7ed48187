import type { EntityManager } from 'typeorm';
import { run, statement, type Queryable } from '../dora/statement';

/** An artifact as a command publishes it (one line of `$LOCKSTEP_ARTIFACTS`) or a report names it. */
export interface ArtifactFact {
  name: string;
  version: string;
  digest: string | null;
  uri: string | null;
}

/** What an artifact may be: the same for a command's and a report's (they reach history and the database). */
export const artifactRules = {
  /** Letters, digits, ".", "_" and "-", starting with a letter or digit. */
  name: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
  /** `algorithm:encoded`, as OCI image digests are written (sha256:…). */
  digest: /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Za-z0-9=_-]+$/,
  maxLength: { name: 100, version: 200, digest: 200, uri: 2048 },
  /** Per action, or per reported deployment. */
  maxCount: 50,
} as const;

/** An artifact as stored: what runs, deployment runs and actions carry and hand on. */
export interface ArtifactRef extends ArtifactFact {
  id: string;
}

const insertBuilt = statement<ArtifactFact & { runId: string; actionRunId: string }, Array<{ id: string }>>(
  // A retry of the same action publishes again (its earlier attempt handed nothing on); another action of
  // the run may not change what was published under a name.
  `INSERT INTO artifacts (name, version, digest, uri, pipeline_run_id, action_run_id)
   VALUES ($1, $2, $3, $4, $5, $6)
   ON CONFLICT (pipeline_run_id, name) DO UPDATE SET version = EXCLUDED.version, digest = EXCLUDED.digest, uri = EXCLUDED.uri
    WHERE artifacts.action_run_id = EXCLUDED.action_run_id
   RETURNING id`,
  (p) => [p.name, p.version, p.digest, p.uri, p.runId, p.actionRunId],
);

const builtByRun = statement<{ runId: string; name: string }, Array<ArtifactRef & { actionName: string }>>(
  `SELECT a.id, a.name, a.version, a.digest, a.uri, COALESCE(ar.name, '?') AS "actionName"
     FROM artifacts a LEFT JOIN action_runs ar ON ar.id = a.action_run_id
    WHERE a.pipeline_run_id = $1 AND a.name = $2`,
  (p) => [p.runId, p.name],
);

const carry = statement<{ runId: string; name: string; artifactId: string }, unknown>(
  `INSERT INTO pipeline_run_artifacts (run_id, name, artifact_id) VALUES ($1, $2, $3)
   ON CONFLICT (run_id, name) DO UPDATE SET artifact_id = EXCLUDED.artifact_id`,
  (p) => [p.runId, p.name, p.artifactId],
);

const same = (a: ArtifactFact, b: ArtifactFact) =>
  a.version === b.version && a.digest === b.digest && a.uri === b.uri;

/**
 * Stores what an action of a run published, once per run and name, and makes the run carry it. Returns the
 * stored artifacts, or the first conflict: another action of the run already published that name otherwise.
 */
export async function publishArtifacts(
  manager: EntityManager,
  owner: { runId: string; actionRunId: string },
  facts: ArtifactFact[],
): Promise<{ artifacts: ArtifactRef[] } | { conflict: string }> {
  const artifacts: ArtifactRef[] = [];
  for (const fact of facts) {
    let [row] = await run(manager, insertBuilt, { ...fact, ...owner });
    if (!row) {
      const [earlier] = await run(manager, builtByRun, { runId: owner.runId, name: fact.name });
      if (!earlier || !same(earlier, fact)) {
        return {
          conflict:
            `artifact "${fact.name}" was already published by action "${earlier?.actionName}" of this run ` +
            `as version ${earlier?.version}: an artifact is built once per run`,
        };
      }
      row = earlier;
    }
    await run(manager, carry, { runId: owner.runId, name: fact.name, artifactId: row.id });
    artifacts.push({ id: row.id, ...fact });
  }
  return { artifacts };
}

/** A new run carries these artifacts from the start (a promotion's, a rollback's, a rerun's). */
export const carryArtifacts = statement<{ runId: string; artifacts: readonly ArtifactRef[] }, unknown>(
  `INSERT INTO pipeline_run_artifacts (run_id, name, artifact_id)
   SELECT $1, n, a FROM unnest($2::text[], $3::uuid[]) AS l(n, a)
   ON CONFLICT (run_id, name) DO NOTHING`,
  (p) => [p.runId, p.artifacts.map((a) => a.name), p.artifacts.map((a) => a.id)],
);

/** What a run carries now, by name, with the action run that published each (null: reported from outside). */
export const artifactsOfRun = statement<
  { runId: string },
  Array<ArtifactRef & { actionRunId: string | null }>
>(
  `SELECT a.id, a.name, a.version, a.digest, a.uri, a.action_run_id AS "actionRunId"
     FROM pipeline_run_artifacts c JOIN artifacts a ON a.id = c.artifact_id
    WHERE c.run_id = $1 ORDER BY a.name`,
  (p) => [p.runId],
);

/** The reference alone (what a run's workflow is handed), without what a query read beside it. */
export const artifactRef = ({ id, name, version, digest, uri }: ArtifactRef): ArtifactRef => ({
  id,
  name,
  version,
  digest,
  uri,
});

/** Records what a deployment run deploys; the same name again changes nothing. */
export async function recordDeployedArtifacts(
  db: Queryable,
  deploymentRunId: string,
  artifacts: readonly ArtifactRef[],
): Promise<void> {
  if (artifacts.length === 0) return;
  await db.query(
    `INSERT INTO deployment_run_artifacts (deployment_run_id, name, artifact_id)
     SELECT $1, n, a FROM unnest($2::text[], $3::uuid[]) AS l(n, a)
     ON CONFLICT (deployment_run_id, name) DO NOTHING`,
    [deploymentRunId, artifacts.map((a) => a.name), artifacts.map((a) => a.id)],
  );
}

/**
 * An artifact reported from outside Lockstep: the one already known under this name, version and digest
 * (built by a pipeline, or reported before), else a new one that belongs to no run.
 */
export async function knownOrReported(manager: EntityManager, fact: ArtifactFact): Promise<ArtifactRef> {
  const [known]: Array<{ id: string }> = await manager.query(
    `SELECT id FROM artifacts
      WHERE name = $1 AND version = $2 AND digest IS NOT DISTINCT FROM $3 AND uri IS NOT DISTINCT FROM $4
      ORDER BY created_at LIMIT 1`,
    [fact.name, fact.version, fact.digest, fact.uri],
  );
  if (known) return { id: known.id, ...fact };
  const [created]: Array<{ id: string }> = await manager.query(
    `INSERT INTO artifacts (name, version, digest, uri) VALUES ($1, $2, $3, $4) RETURNING id`,
    [fact.name, fact.version, fact.digest, fact.uri],
  );
  return { id: created!.id, ...fact };
}
