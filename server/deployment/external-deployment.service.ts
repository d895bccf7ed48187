import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertDeploymentRun } from '../../db/deployment-runs';
import { deploymentRunStatuses, finishedDeploymentRunStatuses, isIn } from '../../db/domain';
import {
  addDeliveredCommit,
  removeDeliveredCommit,
  setExternalKey,
  updateExternalDeployment,
} from '../../db/dora/external-deployments.sql';
import { run } from '../../db/dora/statement';
import { DeploymentRunEntity } from '../../db/entities/deployment-run.entity';
import { knownOrReported, recordDeployedArtifacts } from '../../db/releases/artifacts';
import { badInput } from '../errors';
import { rowExists } from '../graphql/references';
import { artifactFacts } from '../release/artifact-input';
import { revisionFact } from '../run/revision';
import type { ExternalDeploymentInput } from './deployment.types';

/** Deployments made outside Lockstep, as reported (by GraphQL or by webhook), for DORA. */
export class ExternalDeploymentService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Reported twice (same service, environment, start and revision), a deployment is stored once; a later
   * report updates its status and finish (e.g. RUNNING, then SUCCEEDED).
   */
  async record(input: ExternalDeploymentInput): Promise<DeploymentRunEntity> {
    if (!(await rowExists(this.dataSource, 'services', input.serviceId)))
      throw badInput('input.serviceId', 'no service has this id');
    if (!(await rowExists(this.dataSource, 'environments', input.environmentId)))
      throw badInput('input.environmentId', 'no environment has this id');
    if (!isIn(deploymentRunStatuses, input.status))
      throw badInput('input.status', 'is not a deployment run status');
    const finished = isIn(finishedDeploymentRunStatuses, input.status);
    if (finished && !input.finishedAt)
      throw badInput('input.finishedAt', `is required for a ${input.status} deployment`);
    if (!finished && input.finishedAt)
      throw badInput('input.finishedAt', `must be empty while ${input.status}`);
    if (input.finishedAt && input.finishedAt < input.startedAt)
      throw badInput('input.finishedAt', 'must not be before startedAt');
    if ((input.commits?.length ?? 0) > 1000) throw badInput('input.commits', 'at most 1000 commits');
    const revision = input.revision ? revisionFact('input.revision', input.revision) : null;
    const commits = (input.commits ?? []).map((commit, i) => revisionFact(`input.commits[${i}]`, commit));
    const artifacts = artifactFacts('input.artifacts', input.artifacts);
    const key = createHash('sha256')
      .update(
        [input.serviceId, input.environmentId, input.startedAt.toISOString(), revision?.sha ?? ''].join('|'),
      )
      .digest('hex');

    const id = await this.dataSource.transaction(async (manager) => {
      const [[existing]] = await run(manager, updateExternalDeployment, {
        externalKey: key,
        status: input.status,
        finishedAt: input.finishedAt ?? null,
        isRollback: input.isRollback ?? false,
      });
      const runId = existing?.id ?? randomUUID();
      if (!existing) {
        await insertDeploymentRun(manager, {
          id: runId,
          deploymentId: null,
          serviceId: input.serviceId,
          environmentId: input.environmentId,
          status: input.status,
          revision,
          pipelineRunId: null,
          stageRunId: null,
          actionRunId: null,
          triggeredById: null,
          isRollback: input.isRollback ?? false,
          external: true,
          temporalWorkflowId: null,
          startedAt: input.startedAt.toISOString(),
          finishedAt: input.finishedAt?.toISOString() ?? null,
        });
        await run(manager, setExternalKey, { deploymentRunId: runId, externalKey: key });
      }
      // The commits it delivered, once each (the revision alone was stored when none were listed).
      for (const commit of commits) {
        await run(manager, addDeliveredCommit, { deploymentRunId: runId, ...commit });
      }
      if (commits.length > 0 && revision && !commits.some((c) => c.sha === revision.sha)) {
        // Commits were listed: they are the change set, not the revision on its own.
        await run(manager, removeDeliveredCommit, { deploymentRunId: runId, sha: revision.sha });
      }
      // What it deployed: artifacts Lockstep built keep their identity (same name, version and digest).
      const deployed = [];
      for (const fact of artifacts) deployed.push(await knownOrReported(manager, fact));
      await recordDeployedArtifacts(manager, runId, deployed);
      return runId;
    });
    return this.dataSource.getRepository(DeploymentRunEntity).findOneByOrFail({ id });
  }
}
