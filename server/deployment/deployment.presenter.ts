import type { DataSource } from 'typeorm';
import { DeploymentRunEntity } from '../../db/entities/deployment-run.entity';
import { DeploymentEntity } from '../../db/entities/deployment.entity';
import { intInRange, isUuid } from '../graphql/validate';

export interface DeploymentLogLineRow {
  seq: number;
  step: string;
  at: Date;
  stream: string;
  text: string;
}

/** Reads Deployments, deployment runs and their logs. */
export class DeploymentPresenter {
  constructor(private readonly dataSource: DataSource) {}

  list(serviceId: string | null | undefined): Promise<DeploymentEntity[]> {
    if (serviceId !== null && serviceId !== undefined && !isUuid(serviceId)) return Promise.resolve([]);
    return this.dataSource
      .getRepository(DeploymentEntity)
      .find({ where: serviceId ? { serviceId } : {}, order: { name: 'ASC' } });
  }

  async getRun(id: string): Promise<DeploymentRunEntity | null> {
    if (!isUuid(id)) return null;
    return this.dataSource.getRepository(DeploymentRunEntity).findOneBy({ id });
  }

  logs(deploymentRunId: string, afterSeq: number | null | undefined, limit: number | null | undefined) {
    return this.dataSource.query<DeploymentLogLineRow[]>(
      `SELECT seq, step, at, stream, text FROM deployment_log_lines
        WHERE deployment_run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [deploymentRunId, afterSeq ?? 0, intInRange('limit', limit, 1, 5000, 1000)],
    );
  }
}
