import { buildSchema, execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';

/**
 * The API benchmark's baseline: the runs list served by plain graphql-js and `pg` over node:http, with
 * hand-written SQL and nothing else (no framework, no ORM, no per-field middleware, no loaders). It does
 * the same work as the product for the benchmark's query: a bearer token checked against api_tokens, the
 * total count, one page of runs newest first, then their stages and actions, in the same order.
 */
const sdl = /* GraphQL */ `
  type Query {
    pipelineRuns(first: Int): PipelineRunConnection!
  }
  type PipelineRunConnection {
    totalCount: Int!
    edges: [PipelineRunEdge!]!
  }
  type PipelineRunEdge {
    node: PipelineRun!
  }
  type PipelineRun {
    id: ID!
    number: Int!
    status: String!
    startedAt: String
    stages: [StageRun!]!
  }
  type StageRun {
    id: ID!
    name: String!
    status: String!
    actions: [ActionRun!]!
  }
  type ActionRun {
    id: ID!
    name: String!
    status: String!
    startedAt: String
    finishedAt: String
  }
`;

interface ActionRow {
  id: string;
  stage_run_id: string;
  name: string;
  status: string;
  started_at: Date | null;
  finished_at: Date | null;
}

interface StageRow {
  id: string;
  run_id: string;
  name: string;
  status: string;
}

interface RunRow {
  total: number;
  id: string | null;
  number: number;
  status: string;
  started_at: Date | null;
}

const iso = (value: Date | null) => (value === null ? null : value.toISOString());

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

export interface BaselineServer {
  url: string;
  /** SQL statements sent so far (authentication included). */
  statements(): number;
  close(): Promise<void>;
}

export async function startBaselineServer(databaseUrl: string, poolSize: number): Promise<BaselineServer> {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: poolSize,
    application_name: 'lockstep-bench-baseline',
  });
  let statements = 0;
  const query = async <T>(sql: string, params: unknown[]): Promise<T[]> => {
    statements++;
    return (await pool.query(sql, params)).rows as T[];
  };

  const pipelineRuns = async ({ first }: { first?: number | null }) => {
    const limit = Math.min(Math.max(first ?? 20, 0), 100);
    const page = await query<RunRow>(
      `SELECT (SELECT count(*)::int FROM pipeline_runs) AS total, r.id, r.number, r.status, r.started_at
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (SELECT id, number, status, started_at FROM pipeline_runs
                             ORDER BY created_at DESC, id DESC LIMIT $1) r ON true`,
      [limit],
    );
    const runs = page.filter((row) => row.id !== null);
    const stages = await query<StageRow>(
      `SELECT id, run_id, name, status FROM stage_runs WHERE run_id = ANY($1) ORDER BY position`,
      [runs.map((run) => run.id)],
    );
    const actions = await query<ActionRow>(
      `SELECT id, stage_run_id, name, status, started_at, finished_at FROM action_runs
        WHERE stage_run_id = ANY($1) ORDER BY run_order, name`,
      [stages.map((stage) => stage.id)],
    );
    const stagesByRun = groupBy(stages, (stage) => stage.run_id);
    const actionsByStage = groupBy(actions, (action) => action.stage_run_id);
    return {
      totalCount: page[0]?.total ?? 0,
      edges: runs.map((run) => ({
        node: {
          id: run.id,
          number: run.number,
          status: run.status,
          startedAt: iso(run.started_at),
          stages: (stagesByRun.get(run.id!) ?? []).map((stage) => ({
            id: stage.id,
            name: stage.name,
            status: stage.status,
            actions: (actionsByStage.get(stage.id) ?? []).map((action) => ({
              id: action.id,
              name: action.name,
              status: action.status,
              startedAt: iso(action.started_at),
              finishedAt: iso(action.finished_at),
            })),
          })),
        },
      })),
    };
  };

  const schema: GraphQLSchema = buildSchema(sdl);
  const rootValue = { pipelineRuns };
  // Parsed and validated once per distinct query text, as Apollo Server's document cache does.
  const documents = new Map<string, DocumentNode>();
  const documentOf = (text: string): DocumentNode | readonly Error[] => {
    const cached = documents.get(text);
    if (cached) return cached;
    const document = parse(text);
    const errors = validate(schema, document);
    if (errors.length > 0) return errors;
    documents.set(text, document);
    return document;
  };

  const authenticated = async (authorization: string | undefined): Promise<boolean> => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return false;
    const rows = await query(
      `SELECT p.id, p.role FROM api_tokens t JOIN principals p ON p.id = t.principal_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
      [createHash('sha256').update(token).digest('hex')],
    );
    return rows.length > 0;
  };

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/graphql')
      return reply(res, 404, { errors: [{ message: 'not found' }] });
    if (!(await authenticated(req.headers.authorization)))
      return reply(res, 401, { errors: [{ message: 'unauthenticated' }] });
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      query: string;
      variables?: Record<string, unknown>;
    };
    const document = documentOf(body.query);
    if (!('kind' in document))
      return reply(res, 400, { errors: document.map((e) => ({ message: e.message })) });
    const result = await execute({ schema, document, rootValue, variableValues: body.variables ?? {} });
    reply(res, 200, result);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => reply(res, 500, { errors: [{ message: String(error) }] }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    statements: () => statements,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      await pool.end();
    },
  };
}
