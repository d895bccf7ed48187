import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ArtifactFact } from '../../db/releases/artifacts';
import {
  deploymentRunStatuses,
  finishedDeploymentRunStatuses,
  isIn,
  type DeploymentRunStatus,
} from '../../db/domain';
import type { RevisionFact } from '../../workflows/definitions';
import { badInput, DomainError } from '../errors';
import { isUuid } from '../graphql/validate';
import { artifactFacts } from '../release/artifact-input';
import { revisionFact } from '../run/revision';
import type { ExternalDeploymentInput } from './deployment.types';

/** At most this many reports in one `recordExternalDeployments` call (and commits in one report). */
export const externalDeploymentLimits = { perCall: 1000, commitsPerReport: 1000 } as const;

/** One report of an external deployment, checked and normalised as it is stored. */
export interface ExternalDeploymentFact {
  /** Which deployment it reports: a digest of its service, environment, start and revision. */
  key: string;
  serviceId: string;
  environmentId: string;
  status: DeploymentRunStatus;
  startedAt: string;
  finishedAt: string | null;
  isRollback: boolean;
  revision: RevisionFact | null;
  commits: RevisionFact[];
  artifacts: ArtifactFact[];
}

/** Checks one report; `field` is its path in the request (`input`, or `input[17]` in a batch). */
export function externalDeploymentFact(
  field: string,
  input: ExternalDeploymentInput,
): ExternalDeploymentFact {
  if (!isIn(deploymentRunStatuses, input.status))
    throw badInput(`${field}.status`, 'is not a deployment run status');
  const finished = isIn(finishedDeploymentRunStatuses, input.status);
  if (finished && !input.finishedAt)
    throw badInput(`${field}.finishedAt`, `is required for a ${input.status} deployment`);
  if (!finished && input.finishedAt)
    throw badInput(`${field}.finishedAt`, `must be empty while ${input.status}`);
  if (input.finishedAt && input.finishedAt < input.startedAt)
    throw badInput(`${field}.finishedAt`, 'must not be before startedAt');
  const { commitsPerReport } = externalDeploymentLimits;
  if ((input.commits?.length ?? 0) > commitsPerReport)
    throw badInput(`${field}.commits`, `at most ${commitsPerReport} commits`);
  const revision = input.revision ? revisionFact(`${field}.revision`, input.revision) : null;
  const commits = (input.commits ?? []).map((commit, i) => revisionFact(`${field}.commits[${i}]`, commit));
  const startedAt = input.startedAt.toISOString();
  const key = createHash('sha256')
    .update([input.serviceId, input.environmentId, startedAt, revision?.sha ?? ''].join('|'))
    .digest('hex');
  return {
    key,
    serviceId: input.serviceId,
    environmentId: input.environmentId,
    status: input.status,
    startedAt,
    finishedAt: input.finishedAt?.toISOString() ?? null,
    isRollback: input.isRollback ?? false,
    revision,
    commits,
    artifacts: artifactFacts(`${field}.artifacts`, input.artifacts),
  };
}

/** Where a batch's reports sit in the request: `input[17]` in a batch, `input` for the one report. */
export type ReportPaths = { batch: true } | { batch: false };

/**
 * Checks reports, the service and environment they name included: the first fault refuses them all, its
 * error naming the field (`input[17].commits[0].sha`) and, for a batch, the report (`extensions.index`).
 */
export async function externalDeploymentFacts(
  manager: EntityManager,
  inputs: readonly ExternalDeploymentInput[],
  { batch }: ReportPaths,
): Promise<ExternalDeploymentFact[]> {
  const { perCall } = externalDeploymentLimits;
  if (inputs.length > perCall) throw badInput('input', `at most ${perCall} deployments in one call`);
  const field = (i: number) => (batch ? `input[${i}]` : 'input');
  const fault = (i: number, error: DomainError) =>
    batch ? new DomainError('BAD_USER_INPUT', error.message, { ...error.extensions, index: i }) : error;
  const facts = inputs.map((input, i) => {
    try {
      return externalDeploymentFact(field(i), input);
    } catch (error) {
      throw error instanceof DomainError ? fault(i, error) : error;
    }
  });
  const services = await existing(
    manager,
    'SELECT id FROM services WHERE id = ANY ($1::uuid[])',
    facts,
    'serviceId',
  );
  const environments = await existing(
    manager,
    'SELECT id FROM environments WHERE id = ANY ($1::uuid[])',
    facts,
    'environmentId',
  );
  facts.forEach((fact, i) => {
    if (!services.has(fact.serviceId))
      throw fault(i, badInput(`${field(i)}.serviceId`, 'no service has this id'));
    if (!environments.has(fact.environmentId))
      throw fault(i, badInput(`${field(i)}.environmentId`, 'no environment has this id'));
  });
  return facts;
}

/** The ids of `column` that name a row (`sql` selects them from `= ANY ($1)`); ids not UUIDs name none. */
async function existing(
  manager: EntityManager,
  sql: string,
  facts: readonly ExternalDeploymentFact[],
  column: 'serviceId' | 'environmentId',
): Promise<Set<string>> {
  const ids = [...new Set(facts.map((f) => f[column]).filter(isUuid))];
  if (ids.length === 0) return new Set();
  const rows: Array<{ id: string }> = await manager.query(sql, [ids]);
  // PostgreSQL answers in its own spelling of a UUID; the report's is compared.
  const known = new Set(rows.map((r) => r.id.toLowerCase()));
  return new Set(ids.filter((id) => known.has(id.toLowerCase())));
}
