import type { DataSource } from 'typeorm';
import { PipelineEntity } from '../../db/entities/pipeline.entity';
import { decodeTimeIdCursor, encodeCursor, pageSize } from '../graphql/connection';
import { isUuid } from '../graphql/validate';

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

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
      if (!isUuid(args.serviceId))
        return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
      query.where('p.service_id = :serviceId', { serviceId: args.serviceId });
    }
    const totalCount = await query.getCount();
    if (args.after) {
      const [createdAt, id] = decodeTimeIdCursor(args.after);
      query.andWhere('(p.created_at, p.id) > (:createdAt::timestamptz, :id::uuid)', { createdAt, id });
    }
    const rows = await query
      .orderBy('p.created_at', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .take(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const edges = page.map((node) => ({
      cursor: encodeCursor([node.createdAt.toISOString(), node.id]),
      node,
    }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount,
    };
  }
}
