import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { queryLimits } from '../../server/graphql/limits';
import { test, type Harness } from '../support/fixtures';
import { approval, command, createPipeline, revision, type PipelineView } from '../support/pipelines';

/**
 * Bad requests of every kind, from broken HTTP bodies to pipelines that cannot run: each is answered with a
 * 4xx or a coded GraphQL error (never a 5xx or INTERNAL_SERVER_ERROR), stores nothing, leaks nothing about
 * the server's insides, and leaves the server healthy.
 */

interface Reply {
  status: number;
  text: string;
  json: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }>;
  } | null;
}

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: Reply['json'] = null;
  try {
    json = JSON.parse(text) as Reply['json'];
  } catch {
    // not JSON: the assertions below say so
  }
  return { status: response.status, text, json };
}

/** A raw POST, so bodies and headers can be anything. */
function post(
  h: Harness,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  token: string | null = h.adminToken,
) {
  return fetch(h.apiUrl, {
    method: 'POST',
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  }).then(reply);
}

const gql = (h: Harness, query: string, variables: Record<string, unknown> = {}) =>
  post(h, JSON.stringify({ query, variables }));

function get(h: Harness, params: Record<string, string>, headers: Record<string, string> = {}) {
  const url = new URL(h.apiUrl);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return fetch(url, { headers: { authorization: `Bearer ${h.adminToken}`, ...headers } }).then(reply);
}

const healthz = (h: Harness) => h.apiUrl.replace(/\/graphql$/, '/healthz');

/** Rows of every table a request could write to: all of them must be unchanged after a refused request. */
const countedTables = [
  'principals',
  'api_tokens',
  'services',
  'environments',
  'deployments',
  'pipelines',
  'stages',
  'actions',
  'pipeline_runs',
  'stage_runs',
  'action_runs',
  'pipeline_events',
  'deployment_runs',
  'secrets',
  'webhook_subscriptions',
];

async function rowCounts(h: Harness): Promise<Record<string, number>> {
  const select = countedTables.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ');
  const rows: Array<Record<string, number>> = await h.dataSource.query(`SELECT ${select}`);
  return rows[0]!;
}

/** What the server must never show a client: stack frames, SQL, table names, its own file layout. */
const leak = /at .*\.ts:|SELECT |INSERT |pipeline_runs|node_modules/;

interface Fixture {
  pipeline: PipelineView;
  environmentId: string;
}

let fixture: Promise<Fixture> | undefined;
async function buildFixture(h: Harness): Promise<Fixture> {
  const pipeline = await createPipeline(h, {
    name: 'existing',
    stages: [
      { name: 'build', actions: [command('compile', 'true')] },
      { name: 'ship', actions: [command('release', 'true')] },
    ],
  });
  const res = await h.gql<{ createEnvironment: { id: string } }>(
    `mutation { createEnvironment(input: { name: "staging", tier: STAGING }) { id } }`,
  );
  expect(res.errors).toBeUndefined();
  return { pipeline, environmentId: res.data!.createEnvironment.id };
}
const fixtureOf = (h: Harness) => (fixture ??= buildFixture(h));

interface BadInputCase {
  name: string;
  send: (h: Harness, f: Fixture) => Promise<Reply>;
  /** The exact HTTP status, when it matters; otherwise any status below 500. */
  status?: number;
  /** extensions.code of the first error. */
  code?: string;
  /** extensions.field of the first error: the input path at fault. */
  field?: string;
  message?: RegExp;
  /** A query for something that does not exist: answered with null data, not an error. */
  nullField?: string;
  /** State beyond row counts that must not change (an update that failed halfway). */
  state?: (h: Harness, f: Fixture) => Promise<unknown>;
}

const createPipelineMutation = `mutation($input: PipelineInput!) { createPipeline(input: $input) { id } }`;
const createPipelineWith = (input: Record<string, unknown>) => (h: Harness) =>
  gql(h, createPipelineMutation, { input });
/** A valid one-stage pipeline with the given stage and action overrides. */
const pipelineInput = (
  action: Record<string, unknown>,
  stage: Record<string, unknown> = {},
  pipeline: Record<string, unknown> = {},
) => ({
  name: `bad-${randomUUID().slice(0, 8)}`,
  stages: [{ name: 'only', actions: [{ ...command('step', 'true'), ...action }], ...stage }],
  ...pipeline,
});
const action0 = 'input.stages[0].actions[0]';
const triggerMutation = `mutation($pipelineId: ID!, $revision: RevisionInput!, $commits: [CommitInput!]) {
  triggerPipeline(pipelineId: $pipelineId, revision: $revision, commits: $commits) { id } }`;
const setSecretMutation = `mutation($input: SecretInput!) { setSecret(input: $input) { id } }`;
const definitionOf = (h: Harness, f: Fixture) =>
  h.dataSource.query(
    `SELECT p.name, p.description, p.updated_at, s.id, s.name AS stage, s.position, s.environment_id,
            array_agg(a.id ORDER BY a.id) AS actions
       FROM pipelines p JOIN stages s ON s.pipeline_id = p.id JOIN actions a ON a.stage_id = s.id
      WHERE p.id = $1 GROUP BY p.id, s.id ORDER BY s.position`,
    [f.pipeline.id],
  );
const cursor = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
const nested = (levels: number, inner: string) => {
  // pipelineRun > pipeline > runs > edges > node > pipeline > runs > ... : three levels per hop.
  let selection = inner;
  for (let i = 0; i < levels; i++)
    selection = `pipeline { runs(first: 1) { edges { node { ${selection} } } } }`;
  return `{ pipelineRun(id: "${randomUUID()}") { ${selection} } }`;
};

const cases: BadInputCase[] = [
  // --- the HTTP request itself ---
  {
    name: 'malformed JSON body',
    send: (h) => post(h, '{"query": "mutation { createService(input: {name: \\"x\\"}) { id } }"'),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a body over 1 MiB',
    send: (h) =>
      post(
        h,
        JSON.stringify({
          query: 'mutation($input: ServiceInput!) { createService(input: $input) { id } }',
          variables: { input: { name: 'huge', team: 'x'.repeat(1024 * 1024) } },
        }),
      ),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  { name: 'an empty body', send: (h) => post(h, ''), status: 400, code: 'BAD_REQUEST' },
  {
    name: 'a JSON body that is not an object',
    send: (h) => post(h, '"mutation { createService(input: {name: \\"x\\"}) { id } }"'),
    status: 400,
  },
  {
    name: 'variables sent as a JSON-encoded string',
    send: (h) =>
      post(
        h,
        JSON.stringify({
          query: 'mutation($input: ServiceInput!) { createService(input: $input) { id } }',
          variables: JSON.stringify({ input: { name: 'stringly' } }),
        }),
      ),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a JSON body in a charset the server does not read',
    send: (h) =>
      post(h, JSON.stringify({ query: '{ viewer { id } }' }), {
        'content-type': 'application/json; charset=latin-9',
      }),
    status: 415,
  },
  {
    name: 'a body in a content encoding the server does not read',
    send: (h) =>
      post(h, JSON.stringify({ query: '{ viewer { id } }' }), {
        'content-type': 'application/json',
        'content-encoding': 'compress',
      }),
    status: 415,
  },
  {
    name: 'a mutation sent with GET',
    send: (h) =>
      get(
        h,
        { query: 'mutation { createService(input: { name: "via-get" }) { id } }' },
        { 'apollo-require-preflight': 'true' },
      ),
    status: 405,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a batched request (JSON array body)',
    send: (h) =>
      post(
        h,
        JSON.stringify([
          { query: 'mutation { createService(input: { name: "batch-1" }) { id } }' },
          { query: 'mutation { createService(input: { name: "batch-2" }) { id } }' },
        ]),
      ),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a GET query without content-type or preflight header (CSRF prevention)',
    send: (h) => get(h, { query: '{ viewer { id } }' }),
    status: 400,
    code: 'BAD_REQUEST',
    message: /Cross-Site Request Forgery/,
  },
  {
    name: 'a text/plain POST of a mutation (CSRF prevention)',
    send: (h) =>
      post(h, JSON.stringify({ query: 'mutation { createService(input: { name: "csrf" }) { id } }' }), {
        'content-type': 'text/plain',
      }),
    status: 400,
    code: 'BAD_REQUEST',
    message: /Cross-Site Request Forgery/,
  },
  {
    name: 'a method GraphQL does not use (PUT)',
    send: (h) =>
      fetch(h.apiUrl, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${h.adminToken}` },
        body: JSON.stringify({ query: 'mutation { createService(input: { name: "put" }) { id } }' }),
      }).then(reply),
    status: 405,
  },
  {
    name: 'two operations and no operationName',
    send: (h) =>
      gql(
        h,
        'mutation A { createService(input: { name: "a" }) { id } } mutation B { createService(input: { name: "b" }) { id } }',
      ),
    status: 400,
  },

  // --- the GraphQL document ---
  {
    name: 'a syntax error',
    send: (h) => gql(h, 'mutation { createService(input: { name: "x" } { id } }'),
    status: 400,
    code: 'GRAPHQL_PARSE_FAILED',
  },
  {
    name: 'an unknown field',
    send: (h) => gql(h, '{ pipelines { edges { node { id secretSauce } } } }'),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    message: /secretSauce/,
  },
  {
    name: 'cyclic fragments',
    send: (h) =>
      gql(
        h,
        'query { pipelines { edges { node { ...A } } } } fragment A on Pipeline { runs { edges { node { pipeline { ...A } } } } }',
      ),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'nesting beyond the depth limit',
    send: (h) => gql(h, nested(4, 'id')),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    message: new RegExp(`at most ${queryLimits.maxDepth} are allowed`),
  },
  {
    name: 'pathological nesting (20,000 levels)',
    send: (h) => gql(h, `{ viewer ${'{ id '.repeat(20_000)}${'}'.repeat(20_000)} }`),
  },
  {
    name: 'an alias flood',
    send: (h) =>
      gql(
        h,
        `{ ${Array.from({ length: queryLimits.maxAliases + 20 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
      ),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    message: /aliases; at most/,
  },
  {
    name: 'more field selections than allowed',
    send: (h) => gql(h, `{ ${'__typename '.repeat(queryLimits.maxSelections + 1)}}`),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    message: new RegExp(`more than ${queryLimits.maxSelections} fields`),
  },
  {
    name: 'a query whose estimated cost is over the limit',
    send: (h) =>
      gql(
        h,
        '{ pipelines(first: 100) { edges { node { runs(first: 100) { edges { node { stages { actions { logs(limit: 5000) { text } } } } } } } } } }',
      ),
    status: 400,
    code: 'QUERY_TOO_COSTLY',
    message: /would cost about/,
  },

  // --- variables and arguments ---
  {
    name: 'a variable of the wrong type',
    send: (h) => gql(h, 'query($first: Int) { pipelines(first: $first) { totalCount } }', { first: 'ten' }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /Variable "\$first" got invalid value "ten"/,
  },
  {
    name: 'a required variable left out',
    send: (h) => gql(h, createPipelineMutation, {}),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /Variable "\$input" of required type "PipelineInput!" was not provided/,
  },
  {
    name: 'an input field the type does not have',
    send: (h) =>
      gql(h, `mutation($input: ServiceInput!) { createService(input: $input) { id } }`, {
        input: { name: 'extra', colour: 'red' },
      }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /"colour" is not defined by type "ServiceInput"/,
  },
  {
    name: 'an unknown enum value',
    send: createPipelineWith(pipelineInput({ kind: 'SHELL' })),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /at "input\.stages\[0\]\.actions\[0\]\.kind"/,
  },
  {
    name: 'an Int beyond 32 bits',
    send: createPipelineWith(pipelineInput({}, { maxParallel: 2 ** 31 })),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /at "input\.stages\[0\]\.maxParallel"/,
  },
  {
    name: 'a DateTime that is not an instant',
    send: (h, f) =>
      gql(h, triggerMutation, {
        pipelineId: f.pipeline.id,
        revision: { ...revision, committedAt: 'yesterday' },
      }),
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /at "revision\.committedAt"/,
  },
  {
    name: 'first: 1000 on pipelines',
    send: (h) => gql(h, '{ pipelines(first: 1000) { totalCount } }'),
    code: 'BAD_USER_INPUT',
    field: 'first',
  },
  {
    name: 'first: 1000 on pipelineRuns',
    send: (h) => gql(h, '{ pipelineRuns(first: 1000) { edges { node { id } } } }'),
    code: 'BAD_USER_INPUT',
    field: 'first',
  },
  {
    name: 'a negative page size',
    send: (h) => gql(h, '{ pipelines(first: -1) { totalCount } }'),
    code: 'BAD_USER_INPUT',
    field: 'first',
  },
  {
    name: 'first: 1000 on webhookDeliveries',
    send: (h) =>
      gql(h, 'query($id: ID!) { webhookDeliveries(subscriptionId: $id, first: 1000) { id } }', {
        id: randomUUID(),
      }),
    code: 'BAD_USER_INPUT',
    field: 'first',
  },
  {
    name: 'a cursor the API never returned',
    send: (h) => gql(h, '{ pipelines(after: "not-a-cursor") { totalCount } }'),
    code: 'BAD_USER_INPUT',
    field: 'after',
  },
  {
    name: 'a forged cursor of the right shape whose timestamp is no timestamp (pipelines)',
    send: (h) =>
      gql(h, 'query($after: String) { pipelines(after: $after) { edges { node { id } } } }', {
        after: cursor(['not-a-time', randomUUID()]),
      }),
    code: 'BAD_USER_INPUT',
    field: 'after',
  },
  {
    name: 'a forged cursor of the right shape whose id is no UUID (pipelineRuns)',
    send: (h) =>
      gql(h, 'query($after: String) { pipelineRuns(after: $after) { edges { node { id } } } }', {
        after: cursor(['2026-01-01T00:00:00.000Z', 'not-a-uuid']),
      }),
    code: 'BAD_USER_INPUT',
    field: 'after',
  },

  // --- ids ---
  {
    name: 'an unknown pipeline id (random UUID) in a query',
    send: (h) => gql(h, 'query($id: ID!) { pipeline(id: $id) { id } }', { id: randomUUID() }),
    nullField: 'pipeline',
  },
  {
    name: 'an unknown run id (random UUID) in a query',
    send: (h) => gql(h, 'query($id: ID!) { pipelineRun(id: $id) { id } }', { id: randomUUID() }),
    nullField: 'pipelineRun',
  },
  {
    name: 'a non-UUID id in a query',
    send: (h) => gql(h, `query($id: ID!) { pipeline(id: $id) { id } }`, { id: "1' OR '1'='1" }),
    nullField: 'pipeline',
  },
  {
    name: 'an unknown run id (random UUID) in cancelRun',
    send: (h) => gql(h, 'mutation($id: ID!) { cancelRun(runId: $id) { id } }', { id: randomUUID() }),
    code: 'NOT_FOUND',
  },
  {
    name: 'a non-UUID id in deletePipeline',
    send: (h) => gql(h, 'mutation($id: ID!) { deletePipeline(id: $id) }', { id: '1; DROP TABLE pipelines' }),
    code: 'NOT_FOUND',
  },
  {
    name: 'triggerPipeline on a nonexistent pipeline',
    send: (h) => gql(h, triggerMutation, { pipelineId: randomUUID(), revision }),
    code: 'NOT_FOUND',
  },
  {
    name: 'triggerPipeline with a non-UUID pipeline id',
    send: (h) => gql(h, triggerMutation, { pipelineId: 'pipeline-1', revision }),
    code: 'NOT_FOUND',
  },

  // --- pipeline definitions ---
  {
    name: 'createPipeline with no stages',
    send: createPipelineWith({ name: 'no-stages', stages: [] }),
    code: 'BAD_USER_INPUT',
    field: 'input.stages',
  },
  {
    name: 'a stage with no actions',
    send: createPipelineWith({ name: 'no-actions', stages: [{ name: 'empty', actions: [] }] }),
    code: 'BAD_USER_INPUT',
    field: 'input.stages[0].actions',
  },
  {
    name: 'a blank pipeline name',
    send: createPipelineWith(pipelineInput({}, {}, { name: '   ' })),
    code: 'BAD_USER_INPUT',
    field: 'input.name',
  },
  {
    name: 'a blank stage name',
    send: createPipelineWith(pipelineInput({}, { name: '' })),
    code: 'BAD_USER_INPUT',
    field: 'input.stages[0].name',
  },
  {
    name: 'a blank action name',
    send: createPipelineWith(pipelineInput({ name: ' \t ' })),
    code: 'BAD_USER_INPUT',
    field: `${action0}.name`,
  },
  {
    name: 'a pipeline name over 100 characters',
    send: createPipelineWith(pipelineInput({}, {}, { name: 'p'.repeat(101) })),
    code: 'BAD_USER_INPUT',
    field: 'input.name',
  },
  {
    name: 'maxParallel 0',
    send: createPipelineWith(pipelineInput({}, { maxParallel: 0 })),
    code: 'BAD_USER_INPUT',
    field: 'input.stages[0].maxParallel',
  },
  {
    name: 'a COMMAND action with a blank command',
    send: createPipelineWith(pipelineInput({ config: { command: '   ' } })),
    code: 'BAD_USER_INPUT',
    field: `${action0}.config.command`,
  },
  {
    name: 'an HTTP action with a non-http URL',
    send: createPipelineWith(pipelineInput({ kind: 'HTTP', config: { url: 'file:///etc/passwd' } })),
    code: 'BAD_USER_INPUT',
    field: `${action0}.config.url`,
  },
  {
    name: 'an APPROVAL with requiredApprovals 0',
    send: createPipelineWith(pipelineInput(approval('gate', { requiredApprovals: 0 }))),
    code: 'BAD_USER_INPUT',
    field: `${action0}.config.requiredApprovals`,
  },
  {
    name: 'unknown config keys',
    send: createPipelineWith(pipelineInput({ config: { command: 'true', shell: '/bin/zsh' } })),
    code: 'BAD_USER_INPUT',
    field: `${action0}.config`,
    message: /"shell"/,
  },
  {
    name: 'a config that is not an object',
    send: createPipelineWith(pipelineInput({ config: 'echo hi' })),
    code: 'BAD_USER_INPUT',
    field: `${action0}.config`,
  },
  {
    name: 'a WAIT action of 0 seconds',
    send: createPipelineWith(pipelineInput({ kind: 'WAIT', config: { seconds: 0 } })),
    code: 'BAD_USER_INPUT',
    field: `${action0}.config.seconds`,
  },
  {
    name: 'a retry policy with a backoff below 1',
    send: createPipelineWith(pipelineInput({ retryPolicy: { backoffCoefficient: 0.5 } })),
    code: 'BAD_USER_INPUT',
    field: `${action0}.retryPolicy.backoffCoefficient`,
  },
  {
    name: 'a DEPLOYMENT action naming a nonexistent deployment',
    send: createPipelineWith(pipelineInput({ kind: 'DEPLOYMENT', config: { deploymentId: randomUUID() } })),
    code: 'BAD_USER_INPUT',
    field: `${action0}.config.deploymentId`,
  },
  {
    name: 'a stage in a nonexistent environment',
    send: createPipelineWith(pipelineInput({}, { environmentId: randomUUID() })),
    code: 'BAD_USER_INPUT',
    field: 'input.stages[0].environmentId',
  },
  {
    name: 'a serviceId that is not an id',
    send: createPipelineWith(pipelineInput({}, {}, { serviceId: 'checkout' })),
    code: 'BAD_USER_INPUT',
    field: 'input.serviceId',
  },
  {
    name: 'duplicate action names in a stage',
    send: createPipelineWith({
      name: 'twins',
      stages: [{ name: 'only', actions: [command('same', 'true'), command('same', 'true', 2)] }],
    }),
    code: 'BAD_USER_INPUT',
    field: 'input.stages[0].actions',
  },
  {
    name: 'duplicate stage names',
    send: createPipelineWith({
      name: 'twin-stages',
      stages: [
        { name: 'same', actions: [command('a', 'true')] },
        { name: 'same', actions: [command('b', 'true')] },
      ],
    }),
    code: 'BAD_USER_INPUT',
    field: 'input.stages',
  },
  {
    name: 'a pipeline name that is taken',
    send: createPipelineWith(pipelineInput({}, {}, { name: 'existing' })),
    code: 'CONFLICT',
  },
  {
    name: 'a NUL character in a name',
    send: (h) =>
      gql(h, `mutation($input: ServiceInput!) { createService(input: $input) { id } }`, {
        input: { name: 'check\u0000out' },
      }),
    code: 'BAD_USER_INPUT',
    field: 'input.name',
  },
  {
    name: 'a NUL character in a command',
    send: createPipelineWith(pipelineInput({ config: { command: 'echo \u0000' } })),
    code: 'BAD_USER_INPUT',
    field: `${action0}.config.command`,
  },
  {
    name: 'updatePipeline into a nonexistent environment (nothing of the update is kept)',
    send: (h, f) =>
      gql(h, `mutation($id: ID!, $input: PipelineInput!) { updatePipeline(id: $id, input: $input) { id } }`, {
        id: f.pipeline.id,
        input: {
          name: 'existing',
          description: 'half-applied?',
          stages: [
            { name: 'ship', actions: [command('release', 'true')] },
            { name: 'verify', environmentId: randomUUID(), actions: [command('smoke', 'true')] },
          ],
        },
      }),
    code: 'BAD_USER_INPUT',
    field: 'input.stages[1].environmentId',
    state: definitionOf,
  },
  {
    name: 'reorderStages that leaves a stage out',
    send: (h, f) =>
      gql(h, `mutation($p: ID!, $s: [ID!]!) { reorderStages(pipelineId: $p, stageIds: $s) { id } }`, {
        p: f.pipeline.id,
        s: [f.pipeline.stages[1]!.id],
      }),
    code: 'BAD_USER_INPUT',
    field: 'stageIds',
    state: definitionOf,
  },

  // --- runs, secrets, webhooks, catalog ---
  {
    name: 'a revision sha that is not hex',
    send: (h, f) =>
      gql(h, triggerMutation, { pipelineId: f.pipeline.id, revision: { ...revision, sha: 'main' } }),
    code: 'BAD_USER_INPUT',
    field: 'revision.sha',
  },
  {
    name: 'a commit sha that is not hex',
    send: (h, f) =>
      gql(h, triggerMutation, {
        pipelineId: f.pipeline.id,
        revision,
        commits: [
          { sha: 'a1b2c3d', committedAt: revision.committedAt },
          { sha: 'zzzzzzz', committedAt: revision.committedAt },
        ],
      }),
    code: 'BAD_USER_INPUT',
    field: 'commits[1].sha',
  },
  {
    name: 'setSecret with a 3-character value',
    send: (h) => gql(h, setSecretMutation, { input: { name: 'SHORT', value: 'abc' } }),
    code: 'BAD_USER_INPUT',
    field: 'input.value',
  },
  {
    name: 'setSecret with a NUL character in its value',
    send: (h) => gql(h, setSecretMutation, { input: { name: 'WITH_NUL', value: 'long enough\0value' } }),
    code: 'BAD_USER_INPUT',
    field: 'input.value',
  },
  {
    name: 'setSecret with a name that is no environment variable name',
    send: (h) => gql(h, setSecretMutation, { input: { name: 'DB-PASSWORD', value: 'long enough value' } }),
    code: 'BAD_USER_INPUT',
    field: 'input.name',
  },
  {
    name: 'setSecret with a reserved LOCKSTEP_ name',
    send: (h) => gql(h, setSecretMutation, { input: { name: 'LOCKSTEP_TOKEN', value: 'long enough value' } }),
    code: 'BAD_USER_INPUT',
    field: 'input.name',
  },
  {
    name: 'setSecret scoped to both an environment and a pipeline',
    send: (h, f) =>
      gql(h, setSecretMutation, {
        input: {
          name: 'BOTH',
          value: 'long enough value',
          environmentId: f.environmentId,
          pipelineId: f.pipeline.id,
        },
      }),
    code: 'BAD_USER_INPUT',
    field: 'input',
  },
  {
    name: 'a webhook subscription to a non-http URL',
    send: (h) =>
      gql(
        h,
        `mutation($input: WebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { id } }`,
        {
          input: { url: 'javascript:alert(1)', secret: 'a shared secret of length' },
        },
      ),
    code: 'BAD_USER_INPUT',
    field: 'input.url',
  },
  {
    name: 'a webhook subscription with a short secret',
    send: (h) =>
      gql(
        h,
        `mutation($input: WebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { id } }`,
        {
          input: { url: 'https://hooks.example.com/x', secret: 'short' },
        },
      ),
    code: 'BAD_USER_INPUT',
    field: 'input.secret',
  },
  {
    name: 'a deployment with a plan approval but no plan command',
    send: (h, f) =>
      gql(h, `mutation($input: DeploymentInput!) { createDeployment(input: $input) { id } }`, {
        input: {
          name: 'no-plan',
          serviceId: randomUUID(),
          environmentId: f.environmentId,
          applyCommand: 'true',
          requirePlanApproval: true,
        },
      }),
    code: 'BAD_USER_INPUT',
    field: 'input.requirePlanApproval',
  },
  {
    name: 'a deployment of a nonexistent service',
    send: (h, f) =>
      gql(h, `mutation($input: DeploymentInput!) { createDeployment(input: $input) { id } }`, {
        input: {
          name: 'orphan',
          serviceId: randomUUID(),
          environmentId: f.environmentId,
          applyCommand: 'true',
        },
      }),
    code: 'BAD_USER_INPUT',
    field: 'input.serviceId',
  },
  {
    name: 'an API token with a blank name',
    send: (h) => gql(h, 'mutation { createApiToken(name: "  ", role: VIEWER) { token } }'),
    code: 'BAD_USER_INPUT',
    field: 'name',
  },
];

describe('bad input', () => {
  test.for(cases)('$name', async (c, { harness: h }) => {
    const f = await fixtureOf(h);
    const before = await rowCounts(h);
    const stateBefore = await c.state?.(h, f);

    const res = await c.send(h, f);
    const shown = JSON.stringify({ status: res.status, body: res.json ?? res.text });
    // Soft: a case that breaks one promise still reports on the others (stored rows, health).
    expect.soft(res.status, shown).toBeLessThan(500);
    if (c.status !== undefined) expect.soft(res.status, shown).toBe(c.status);
    expect.soft(shown).not.toMatch(leak);
    if (c.nullField) {
      expect.soft(res.json?.errors, shown).toBeUndefined();
      expect.soft(res.json?.data?.[c.nullField], shown).toBeNull();
    } else {
      expect.soft(res.status === 200 || (res.status >= 400 && res.status < 500), shown).toBe(true);
      const errors = res.json?.errors ?? [];
      expect.soft(errors.length, `a coded error, not ${shown}`).toBeGreaterThan(0);
      for (const error of errors) {
        expect.soft(error.extensions?.code, shown).toBeDefined();
        expect.soft(error.extensions?.code, shown).not.toBe('INTERNAL_SERVER_ERROR');
      }
      if (c.code) expect.soft(errors[0]?.extensions?.code, shown).toBe(c.code);
      if (c.field) expect.soft(errors[0]?.extensions?.field, shown).toBe(c.field);
      if (c.message) expect.soft(errors[0]?.message, shown).toMatch(c.message);
      // Nothing half-done is handed back either.
      for (const value of Object.values(res.json?.data ?? {})) expect.soft(value, shown).toBeNull();
    }

    expect.soft(await rowCounts(h), 'nothing stored').toEqual(before);
    if (c.state) expect.soft(await c.state(h, f), 'nothing changed').toEqual(stateBefore);
    expect.soft((await fetch(healthz(h))).status).toBe(200);
  });

  test('the server still answers ordinary requests afterwards', async ({ harness: h }) => {
    const health = await fetch(healthz(h));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, postgres: 'ok', temporal: 'ok' });
    const res = await h.gql<{ pipelines: { edges: Array<{ node: { name: string } }> } }>(
      '{ pipelines(first: 10) { edges { node { name } } } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.pipelines.edges.map((e) => e.node.name)).toEqual(['existing']);
  });
});
