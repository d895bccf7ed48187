import type { DataSource } from 'typeorm';
import type { RunStatus } from '../../db/domain';
import { ActionRunEntity } from '../../db/entities/action-run.entity';
import { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import { StageRunEntity } from '../../db/entities/stage-run.entity';
import { decodeTimeIdCursor, encodeCursor } from '../graphql/cursor';
import { cursorInstant, type Page } from '../graphql/page';
import { plainColumns, PlainRows } from '../graphql/plain-rows';

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

/**
 * What a list request also asks for of each run: its stages (`stages`, `currentStage`), and their actions.
 * The list then reads them in its own statement, nested as JSON, instead of one statement each after it.
 */
export interface RunListNesting {
  stages: boolean;
  actions: boolean;
}

/** A page of runs, and what was read ahead of each: stages by run, actions by stage run (null: not read). */
export interface ListedRuns {
  page: Page<ListedRun>;
  stagesByRun: Map<string, StageRunEntity[]> | null;
  actionsByStageRun: Map<string, ActionRunEntity[]> | null;
}

interface Nested {
  stages: PlainRows<StageRunEntity>;
  actions: PlainRows<ActionRunEntity>;
}

const built = new WeakMap<DataSource, { sql: string; nested: Nested }>();

/**
 * The page of runs and the count of all that match, in one statement (the runs list is the API's most read
 * page): the count, then the page beside it through a lateral join, so an empty page still answers the
 * count. Newest first by (created_at, id), the order of the indexes `pipeline_runs_created_idx` and
 * `pipeline_runs_pipeline_created_idx`. The columns are the entity's, named as its properties, so each row
 * is a run with the values TypeORM would give (the plain-rows test compares the two ways). The cursor keeps
 * `created_at` to the microsecond, as stored: a JavaScript Date keeps milliseconds, and a page would skip
 * the runs created in the same millisecond as its last one.
 *
 * When asked ($6, $7), each run also carries its stage runs and its action runs, each a JSON array of
 * rows (`json_agg` of a subquery by run, through the indexes on run_id): the dashboard's list of runs with
 * their stages and actions is one round trip instead of three, and JSON costs the API far less to read
 * than rows (measured: PostgreSQL's time about the same, the API's about half). A CASE not taken is not
 * evaluated.
 */
function statement(dataSource: DataSource): { sql: string; nested: Nested } {
  let found = built.get(dataSource);
  if (found === undefined) {
    const plain = plainColumns(dataSource, PipelineRunEntity, unlisted);
    const stages = PlainRows.of(dataSource, StageRunEntity);
    const actions = PlainRows.of(dataSource, ActionRunEntity);
    if (!plain || !stages || !actions)
      throw new Error('a column the runs list reads needs TypeORM to hydrate it');
    const columns = plain.map((c) => `r."${c.name}" AS "${c.property}"`).join(', ');
    const filter = `($1::uuid IS NULL OR r.pipeline_id = $1::uuid) AND ($2::text[] IS NULL OR r.status = ANY ($2::text[]))`;
    // Stages and actions in the loaders' orders (`stageRunsByRun`, `actionRunsByStageRun`); a run's actions
    // are grouped by stage run afterwards, keeping theirs.
    const sql = `
      SELECT c.total, p.*
        FROM (SELECT count(*)::int AS total FROM pipeline_runs r WHERE ${filter}) c
        LEFT JOIN LATERAL (
          SELECT ${columns},
                 ${cursorInstant('r.created_at')} AS cursor_at,
                 CASE WHEN $6::boolean THEN (
                   SELECT coalesce(json_agg(x ORDER BY x."position"), '[]')
                     FROM (SELECT ${stages.jsonColumns('s')} FROM stage_runs s WHERE s.run_id = r.id) x
                 ) END AS stage_runs,
                 CASE WHEN $7::boolean THEN (
                   SELECT coalesce(json_agg(x ORDER BY x."runOrder", x."name"), '[]')
                     FROM (SELECT ${actions.jsonColumns('a')} FROM action_runs a WHERE a.run_id = r.id) x
                 ) END AS action_runs
            FROM pipeline_runs r
           WHERE ${filter}
             AND ($3::timestamptz IS NULL OR (r.created_at, r.id) < ($3::timestamptz, $4::uuid))
           ORDER BY r.created_at DESC, r.id DESC
           LIMIT $5) p ON true`;
    built.set(dataSource, (found = { sql, nested: { stages, actions } }));
  }
  return found;
}

interface Row {
  total: number;
  id: string | null;
  cursor_at: string;
  stage_runs: Array<Record<string, unknown>> | null;
  action_runs: Array<Record<string, unknown>> | null;
}

/**
 * Up to `limit` runs matching `filter` after the cursor `after`, newest first, and how many match in all;
 * with their stages and actions when `nesting` asks.
 */
export async function listRuns(
  dataSource: DataSource,
  filter: RunFilter,
  limit: number,
  after: string | null | undefined,
  nesting: RunListNesting = { stages: false, actions: false },
): Promise<ListedRuns> {
  const [cursorAt, cursorId] = after ? decodeTimeIdCursor(after) : [null, null];
  const status = filter.status && filter.status.length > 0 ? filter.status : null;
  const { sql, nested } = statement(dataSource);
  const withStages = nesting.stages;
  const withActions = withStages && nesting.actions;
  const rows: Row[] = await dataSource.query(sql, [
    filter.pipelineId,
    status,
    cursorAt,
    cursorId,
    limit + 1,
    withStages,
    withActions,
  ]);
  const listed = rows
    .filter((row) => row.id !== null)
    .map(
      ({ total: _total, cursor_at: cursorAt, stage_runs: stageRuns, action_runs: actionRuns, ...row }) => ({
        cursorAt,
        stageRuns,
        actionRuns,
        node: Object.assign(new PipelineRunEntity(), row),
      }),
    );
  const shown = listed.slice(0, limit);
  const stagesByRun = withStages ? new Map<string, StageRunEntity[]>() : null;
  const actionsByStageRun = withActions ? new Map<string, ActionRunEntity[]>() : null;
  for (const { node, stageRuns, actionRuns } of shown) {
    const stages = (stageRuns ?? []).map((json) => nested.stages.fromJson(json));
    stagesByRun?.set(node.id, stages);
    if (!actionsByStageRun) continue;
    for (const stage of stages) actionsByStageRun.set(stage.id, []);
    for (const json of actionRuns ?? []) {
      const action = nested.actions.fromJson(json);
      actionsByStageRun.get(action.stageRunId)?.push(action);
    }
  }
  const edges = shown.map(({ cursorAt, node }) => ({ cursor: encodeCursor([cursorAt, node.id]), node }));
  return {
    page: {
      edges,
      pageInfo: { hasNextPage: listed.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: rows[0]?.total ?? 0,
    },
    stagesByRun,
    actionsByStageRun,
  };
}
