import type { DataSource } from 'typeorm';
import { DeploymentRunEntity } from '../../db/entities/deployment-run.entity';
import { DeploymentEntity } from '../../db/entities/deployment.entity';
import { emptyPage, keysetPage, pageSize, type Page } from '../graphql/page';
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

  /**
   * Deployment runs, newest first, narrowed by service (one, any of several, or a team's), environment,
   * finish time ([from, to)), and to DORA's deployments.
   */
  async listRuns(args: {
    serviceId?: string | null;
    serviceIds?: string[] | null;
    team?: string | null;
    deploymentsOnly?: boolean | null;
    environmentId?: string | null;
    from?: Date | null;
    to?: Date | null;
    first?: number | null;
    after?: string | null;
  }): Promise<Page<DeploymentRunEntity>> {
    const limit = pageSize(args.first);
    const query = this.dataSource.getRepository(DeploymentRunEntity).createQueryBuilder('d');
    if (args.serviceId) {
      if (!isUuid(args.serviceId)) return emptyPage();
      query.andWhere('d.service_id = :serviceId', { serviceId: args.serviceId });
    }
    if (args.serviceIds) {
      if (!args.serviceIds.every(isUuid)) return emptyPage();
      query.andWhere('d.service_id = ANY (:serviceIds)', { serviceIds: args.serviceIds });
    }
    if (args.team) {
      query.andWhere('d.service_id IN (SELECT s.id FROM services s WHERE s.team = :team)', {
        team: args.team,
      });
    }
    if (args.deploymentsOnly) {
      query.andWhere(`d.status = 'SUCCEEDED' AND d.finished_at IS NOT NULL`);
      query.andWhere(`d.environment_id IN (SELECT e.id FROM environments e WHERE e.tier = 'PRODUCTION')`);
    }
    if (args.environmentId) {
      if (!isUuid(args.environmentId)) return emptyPage();
      query.andWhere('d.environment_id = :environmentId', { environmentId: args.environmentId });
    }
    if (args.from) query.andWhere('d.finished_at >= :from', { from: args.from });
    if (args.to) query.andWhere('d.finished_at < :to', { to: args.to });
    return keysetPage(query, { limit, after: args.after }, { column: 'started_at', direction: 'DESC' });
  }

  logs(deploymentRunId: string, afterSeq: number | null | undefined, limit: number | null | undefined) {
    return this.dataSource.query<DeploymentLogLineRow[]>(
      `SELECT seq, step, at, stream, text FROM deployment_log_lines
        WHERE deployment_run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [deploymentRunId, afterSeq ?? 0, intInRange('limit', limit, 1, 5000, 1000)],
    );
  }
}
