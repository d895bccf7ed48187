import { In, type DataSource } from 'typeorm';
import { run } from '../../db/dora/statement';
import { ArtifactEntity } from '../../db/entities/artifact.entity';
import { DeploymentRunEntity } from '../../db/entities/deployment-run.entity';
import {
  approvalRequestOfAction,
  approvalRequestOfDeploymentRun,
  type ApprovalRequestFacts,
} from '../../db/releases/approval-request';
import { liveDeploymentRuns } from '../../db/releases/live';
import { intInRange, isUuid } from '../graphql/validate';

/** Reads what is live where, the artifacts, and what an approval approves. */
export class ReleasePresenter {
  constructor(private readonly dataSource: DataSource) {}

  /** The live deployment run of each service and environment (index reads only), by their ids. */
  async live(serviceId: string | null, environmentId: string | null): Promise<DeploymentRunEntity[]> {
    if ((serviceId && !isUuid(serviceId)) || (environmentId && !isUuid(environmentId))) return [];
    const ids = await run(this.dataSource, liveDeploymentRuns, { serviceId, environmentId });
    const rows = await this.dataSource
      .getRepository(DeploymentRunEntity)
      .findBy({ id: In(ids.map((r) => r.id)) });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.flatMap(({ id }) => byId.get(id) ?? []);
  }

  /** Artifacts newest first: of one name, or those a run carries (built or received). */
  async artifacts(args: {
    name?: string | null;
    pipelineRunId?: string | null;
    first?: number | null;
  }): Promise<ArtifactEntity[]> {
    const limit = intInRange('first', args.first, 1, 500, 50);
    const query = this.dataSource.getRepository(ArtifactEntity).createQueryBuilder('a');
    if (args.pipelineRunId) {
      if (!isUuid(args.pipelineRunId)) return [];
      query.andWhere(
        'EXISTS (SELECT 1 FROM pipeline_run_artifacts c WHERE c.artifact_id = a.id AND c.run_id = :runId)',
        { runId: args.pipelineRunId },
      );
    }
    if (args.name) query.andWhere('a.name = :name', { name: args.name });
    return query.orderBy('a.created_at', 'DESC').addOrderBy('a.id', 'DESC').take(limit).getMany();
  }

  approvalRequestOfAction(actionRunId: string): Promise<ApprovalRequestFacts | null> {
    return approvalRequestOfAction(this.dataSource, actionRunId);
  }

  approvalRequestOfDeploymentRun(deploymentRunId: string): Promise<ApprovalRequestFacts | null> {
    return approvalRequestOfDeploymentRun(this.dataSource, deploymentRunId);
  }
}
