import type { DataSource } from 'typeorm';
import type { RunStatus } from '../../db/domain';
import { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import { decodeTimeIdCursor, encodeCursor } from '../graphql/cursor';
import { cursorInstant, type Page } from '../graphql/page';
import { plainColumns } from '../graphql/plain-rows';

/**
 * What a listed run leaves out: its definition snapshot and its commits, the two JSON columns, parsed for
 * every row and often the largest part of it. No field of PipelineRun reads them; what needs them (a
 * rollback, a rerun, a promotion, the run's controls) loads the run whole by id.
 */
const unlisted = ['definition', 'commits'] as const;

/** A run as the list reads it. */
export type ListedRun = Omit<PipelineRunEntity, (typeof unlisted)[number]>;

export interface RunFilter {
  pipelineId: string | null;
  /** null or empty: any status. */
  status: RunStatus[] | null;
}

const statements = new WeakMap<DataSource, string>();

/**
 * The page of runs and the count of all that match, in one statement (the runs list is the API's most read
 * page): the count, then the page beside it through a lateral join, so an empty page still answers the
 * count. Newest first by (created_at, id), the order of the indexes `pipeline_runs_created_idx` and
 * `pipeline_runs_pipeline_created_idx`. The columns are the entity's, named as its properties, so each row
 * is a run with the values TypeORM would give (the plain-rows test compares the two ways). The cursor keeps
 * `created_at` to the microsecond, as stored: a JavaScript Date keeps milliseconds, and a page would skip
 * the runs created in the same millisecond as its last one.
 */
function statement(dataSource: DataSource): string {
  let sql = statements.get(dataSource);
  if (sql === undefined) {
    const plain = plainColumns(dataSource, PipelineRunEntity, unlisted);
    if (!plain) throw new Error('a listed column of PipelineRunEntity needs TypeORM to hydrate it');
    const columns = plain.map((c) => `r."${c.name}" AS "${c.property}"`);
    const filter = `($1::uuid IS NULL OR r.pipeline_id = $1::uuid) AND ($2::text[] IS NULL OR r.status = ANY ($2::text[]))`;
    sql = `
      SELECT c.total, p.*
        FROM (SELECT count(*)::int AS total FROM pipeline_runs r WHERE ${filter}) c
        LEFT JOIN LATERAL (
          SELECT ${columns.join(', ')},
                 ${cursorInstant('r.created_at')} AS cursor_at
            FROM pipeline_runs r
           WHERE ${filter}
             AND ($3::timestamptz IS NULL OR (r.created_at, r.id) < ($3::timestamptz, $4::uuid))
           ORDER BY r.created_at DESC, r.id DESC
           LIMIT $5) p ON true`;
    statements.set(dataSource, sql);
  }
  return sql;
}

/** Up to `limit` runs matching `filter` after the cursor `after`, newest first, and how many match in all. */
export async function listRuns(
  dataSource: DataSource,
  filter: RunFilter,
  limit: number,
  after: string | null | undefined,
): Promise<Page<ListedRun>> {
  const [cursorAt, cursorId] = after ? decodeTimeIdCursor(after) : [null, null];
  const status = filter.status && filter.status.length > 0 ? filter.status : null;
  const rows: Array<{ total: number; id: string | null; cursor_at: string }> = await dataSource.query(
    statement(dataSource),
    [filter.pipelineId, status, cursorAt, cursorId, limit + 1],
  );
  const listed = rows
    .filter((row) => row.id !== null)
    .map(({ total: _total, cursor_at: cursorAt, ...row }) => ({
      cursorAt,
      node: Object.assign(new PipelineRunEntity(), row),
    }));
  const edges = listed.slice(0, limit).map(({ cursorAt, node }) => ({
    cursor: encodeCursor([cursorAt, node.id]),
    node,
  }));
  return {
    edges,
    pageInfo: { hasNextPage: listed.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: rows[0]?.total ?? 0,
  };
}
