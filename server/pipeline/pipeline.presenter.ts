import type { DataSource } from 'typeorm';
import { PipelineEntity } from '../../db/entities/pipeline.entity';
import { emptyPage, keysetPage, pageSize, type Page } from '../graphql/page';
import { isUuid } from '../graphql/validate';

/** Reads pipeline definitions, oldest first, with keyset pagination. */
export class PipelinePresenter {
  constructor(private readonly dataSource: DataSource) {}

  async get(id: string): Promise<PipelineEntity | null> {
    if (!isUuid(id)) return null;
    return this.dataSource.getRepository(PipelineEntity).findOneBy({ id });
  }

  async list(args: {
    first?: number | null;
    after?: string | null;
    serviceId?: string | null;
  }): Promise<Page<PipelineEntity>> {
    const limit = pageSize(args.first);
    const query = this.dataSource.getRepository(PipelineEntity).createQueryBuilder('p');
    if (args.serviceId) {
      if (!isUuid(args.serviceId)) return emptyPage();
      query.where('p.service_id = :serviceId', { serviceId: args.serviceId });
    }
    return keysetPage(query, { limit, after: args.after }, { column: 'created_at', direction: 'ASC' });
  }
}
