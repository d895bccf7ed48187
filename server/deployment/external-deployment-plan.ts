import { randomUUID } from 'node:crypto';
import { finishedDeploymentRunStatuses, isIn, type DeploymentRunStatus } from '../../db/domain';
import type {
  DeliveredCommit,
  ExternalDeploymentUpdate,
  NewExternalDeployment,
} from '../../db/dora/external-deployments.sql';
import type { ArtifactFact } from '../../db/releases/artifacts';
import type { RevisionFact } from '../../workflows/definitions';
import type { ExternalDeploymentFact } from './external-deployment-input';

/**
 * What a report did: `recorded` (stored, or moved forward), `unchanged` (the finished deployment it reports
 * again), `ignored` (it would move a finished deployment: a finished status is final).
 */
export type ReportOutcome = 'recorded' | 'unchanged' | 'ignored';

/** A deployment reported before, as stored. */
export interface KnownDeployment {
  id: string;
  status: DeploymentRunStatus;
  finishedAt: Date | null;
}

/** The writes a batch of reports makes, each a set, and what each report did. */
export interface ReportPlan {
  inserts: NewExternalDeployment[];
  updates: ExternalDeploymentUpdate[];
  addCommits: DeliveredCommit[];
  removeCommits: Array<{ deploymentRunId: string; sha: string }>;
  artifacts: Array<{ deploymentRunId: string; artifacts: ArtifactFact[] }>;
  outcomes: Array<{ id: string; outcome: ReportOutcome }>;
}

/** One deployment as the reports so far leave it. */
interface Deployment {
  id: string;
  isNew: boolean;
  changed: boolean;
  status: DeploymentRunStatus;
  finishedAt: string | null;
  isRollback: boolean;
  first: ExternalDeploymentFact;
  add: Map<string, RevisionFact>;
  remove: Set<string>;
  artifacts: ArtifactFact[];
}

/**
 * Applies reports in order, as if one at a time: the first report of a deployment stores it with its
 * revision as its change set, a later one moves it forward (never a finished one), listed commits join the
 * change set once each and then stand for it (the revision leaves it unless listed). Several reports of one
 * deployment in a batch therefore end as the last would have left it, written once.
 */
export function planReports(
  facts: readonly ExternalDeploymentFact[],
  known: ReadonlyMap<string, KnownDeployment>,
  newId: () => string = randomUUID,
): ReportPlan {
  const deployments = new Map<string, Deployment>();
  const outcomes = facts.map((fact) => {
    let d = deployments.get(fact.key);
    if (!d) {
      const stored = known.get(fact.key);
      d = {
        id: stored?.id ?? newId(),
        isNew: !stored,
        changed: false,
        status: stored?.status ?? fact.status,
        finishedAt: stored?.finishedAt?.toISOString() ?? null,
        isRollback: fact.isRollback,
        first: fact,
        add: new Map(!stored && fact.revision ? [[fact.revision.sha, fact.revision]] : []),
        remove: new Set(),
        artifacts: [],
      };
      deployments.set(fact.key, d);
      if (stored && isIn(finishedDeploymentRunStatuses, stored.status))
        return { id: d.id, outcome: sameEnd(d, fact) };
    } else if (isIn(finishedDeploymentRunStatuses, d.status)) {
      return { id: d.id, outcome: sameEnd(d, fact) };
    }
    d.changed = true;
    d.status = fact.status;
    d.finishedAt = fact.finishedAt;
    d.isRollback = fact.isRollback;
    for (const commit of fact.commits) {
      d.add.set(commit.sha, commit);
      d.remove.delete(commit.sha);
    }
    const revision = fact.revision;
    if (fact.commits.length > 0 && revision && !fact.commits.some((c) => c.sha === revision.sha)) {
      d.add.delete(revision.sha);
      d.remove.add(revision.sha);
    }
    d.artifacts.push(...fact.artifacts);
    return { id: d.id, outcome: 'recorded' as const };
  });

  const plan: ReportPlan = {
    inserts: [],
    updates: [],
    addCommits: [],
    removeCommits: [],
    artifacts: [],
    outcomes,
  };
  for (const [key, d] of deployments) {
    if (!d.changed) continue;
    const state = { status: d.status, finishedAt: d.finishedAt, isRollback: d.isRollback };
    if (d.isNew) {
      const { serviceId, environmentId, revision, startedAt } = d.first;
      plan.inserts.push({
        id: d.id,
        externalKey: key,
        serviceId,
        environmentId,
        revision,
        startedAt,
        ...state,
      });
    } else {
      plan.updates.push({ externalKey: key, ...state });
    }
    for (const commit of d.add.values()) plan.addCommits.push({ deploymentRunId: d.id, ...commit });
    for (const sha of d.remove) plan.removeCommits.push({ deploymentRunId: d.id, sha });
    if (d.artifacts.length > 0) plan.artifacts.push({ deploymentRunId: d.id, artifacts: d.artifacts });
  }
  return plan;
}

/** A finished deployment reported again: `unchanged` when the report says what is stored, else `ignored`. */
function sameEnd(d: Deployment, fact: ExternalDeploymentFact): ReportOutcome {
  return d.status === fact.status && d.finishedAt === fact.finishedAt ? 'unchanged' : 'ignored';
}
