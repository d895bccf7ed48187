import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { eventually, ok, test } from '../../support/fixtures';
import { databaseText, historyText, leaksOf } from '../../support/leaks';
import {
  actionOf,
  command,
  createPipeline,
  ended,
  runQuery,
  trigger,
  waitForRun,
} from '../../support/pipelines';

/**
 * A server that answers every request with what it received (headers and body, pretty-printed over many
 * lines), the way a misbehaving API echoes credentials back, and records webhook deliveries.
 */
let server: Server;
let base: string;
const requests: Array<{ path: string; headers: Record<string, unknown>; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(received);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(received, null, 2));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const setSecret = `mutation($i: SecretInput!) { setSecret(input: $i) { id } }`;
const random = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * Prints each of $GLOBAL_CANARY, $ENV_CANARY and $PIPE_CANARY in every form a build tool might: as is
 * (the multi-line one across lines), base64 of a longer text at each alignment (`curl -u`), both alphabets,
 * padded or not, wrapped base64 (`base64` wraps at 76), hex wrapped at 60 like `xxd -p` and in upper case,
 * JSON (ASCII-escaped or not) and URL-encoded.
 */
const printEveryForm = `
for v in "$GLOBAL_CANARY" "$ENV_CANARY" "$PIPE_CANARY"; do
  printf 'plain %s\\n' "$v"
  for p in '' u: ab: user: deploy:; do
    printf '%s%s@host' "$p" "$v" | base64 -w0; echo
    printf '%s%s' "$p" "$v" | base64 -w0 | tr '+/' '-_' | tr -d '='; echo
  done
  printf 'a-longer-prefix:%s' "$v" | base64
  printf 'x%s' "$v" | od -An -v -tx1 | tr -d ' \\n' | fold -w 60; echo
  printf '%s' "$v" | od -An -v -tx1 | tr -d ' \\n' | tr a-f A-F; echo
  printf '%s' "$v" | python3 -c 'import json, sys, urllib.parse; s = sys.stdin.read(); print(json.dumps(s)); print(json.dumps(s, ensure_ascii=False)); print(urllib.parse.quote(s, safe=""))'
done`;

describe('secrets in what leaves an action', () => {
  test('a secret written to a bad LOCKSTEP_OUTPUT line reaches no failure reason, attempt, event, webhook or history', async ({
    harness: h,
  }) => {
    const canary = `out-${random(8)}`;
    await ok(h, setSecret, { i: { name: 'OUT_CANARY', value: canary } });
    const pipeline = await createPipeline(h, {
      name: 'bad-output-line',
      stages: [{ name: 'leak', actions: [command('write', 'echo "oops $OUT_CANARY" > "$LOCKSTEP_OUTPUT"')] }],
    });
    await ok(h, `mutation($i: WebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { id } }`, {
      i: {
        url: `${base}/hooks/bad-output`,
        secret: 'a-shared-secret-of-32-characters',
        pipelineId: pipeline.id,
      },
    });
    const run = await trigger(h, pipeline.id);
    const done = await waitForRun(h, run.id, ended);
    expect(done.status).toBe('FAILED');
    expect(done.failureReason).toContain('invalid output line "oops ***"');
    expect(actionOf(done, 'leak', 'write').attempts[0]!.error).toContain('"oops ***"');
    const hooks = await eventually(
      async () => requests.filter((r) => r.path === '/hooks/bad-output'),
      (list) => list.some((r) => r.body.includes('RUN_FAILED')),
    );
    const sinks = {
      'the run as the API serves it': JSON.stringify(await h.gql(runQuery, { id: run.id })),
      'the database': await databaseText(h),
      'the workflow history': await historyText(h, done.temporalWorkflowId),
      'webhook payloads': JSON.stringify(hooks),
    };
    expect(leaksOf(sinks, { OUT_CANARY: canary })).toEqual([]);
  });

  test('a command, an HTTP action and a Deployment printing secrets of every scope in every form leak none of them', async ({
    harness: h,
  }) => {
    const n = random(3);
    const canaries = {
      GLOBAL_CANARY: `g-${random(6)}/s3cr3t+k=v 1"q"\\é`,
      ENV_CANARY: [
        `-----BEGIN TEST KEY ${random(2)}-----`,
        ...(randomBytes(144)
          .toString('base64')
          .match(/.{1,64}/g) ?? []),
        `-----END TEST KEY ${random(2)}-----`,
        '',
      ].join('\n'),
      PIPE_CANARY: `p_${random(12)}`,
    };
    const { createService: service } = await ok<{ createService: { id: string } }>(
      h,
      `mutation($i: ServiceInput!) { createService(input: $i) { id } }`,
      { i: { name: `canary-service-${n}`, team: 'payments' } },
    );
    const { createEnvironment: environment } = await ok<{ createEnvironment: { id: string } }>(
      h,
      `mutation($i: EnvironmentInput!) { createEnvironment(input: $i) { id } }`,
      { i: { name: `canary-production-${n}`, tier: 'PRODUCTION' } },
    );
    const { createDeployment: deployment } = await ok<{ createDeployment: { id: string } }>(
      h,
      `mutation($i: DeploymentInput!) { createDeployment(input: $i) { id } }`,
      {
        i: {
          name: `canary-deploy-${n}`,
          serviceId: service.id,
          environmentId: environment.id,
          applyCommand: `${printEveryForm}\nprintf '%s\\n' "$ENV_CANARY" "$GLOBAL_CANARY" >&2; exit 4`,
        },
      },
    );
    const pipeline = await createPipeline(h, {
      name: `canary-${n}`,
      serviceId: service.id,
      stages: [
        {
          name: 'leak',
          environmentId: environment.id,
          actions: [
            command(
              'print',
              `${printEveryForm}\nprintf 'TOKEN=%s\\nKEY=%s\\n' "$PIPE_CANARY" "$(printf %s "$ENV_CANARY" | base64 -w0)" > "$LOCKSTEP_OUTPUT"`,
            ),
            command('fail', `printf '%s\\n' "$ENV_CANARY" "token $PIPE_CANARY" >&2; exit 3`),
            command('bad-output', `printf 'oops %s\\n' "$GLOBAL_CANARY" > "$LOCKSTEP_OUTPUT"`),
            {
              name: 'call',
              kind: 'HTTP',
              config: {
                url: `${base}/echo`,
                method: 'POST',
                headers: { authorization: 'Bearer ${{ secrets.PIPE_CANARY }}' },
                body: 'hello',
              },
            },
            { name: 'deploy', kind: 'DEPLOYMENT', config: { deploymentId: deployment.id } },
          ],
        },
      ],
    });
    await ok(h, setSecret, { i: { name: 'GLOBAL_CANARY', value: canaries.GLOBAL_CANARY } });
    await ok(h, setSecret, {
      i: { name: 'ENV_CANARY', value: canaries.ENV_CANARY, environmentId: environment.id },
    });
    await ok(h, setSecret, {
      i: { name: 'PIPE_CANARY', value: canaries.PIPE_CANARY, pipelineId: pipeline.id },
    });
    await ok(h, `mutation($i: WebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { id } }`, {
      i: { url: `${base}/hooks/canary`, secret: 'a-shared-secret-of-32-characters', pipelineId: pipeline.id },
    });

    const run = await trigger(h, pipeline.id);
    const done = await waitForRun(h, run.id, ended, 60_000);
    expect(done.status).toBe('FAILED');
    const print = actionOf(done, 'leak', 'print');
    expect(print.status).toBe('SUCCEEDED');
    expect(print.logs.length).toBeGreaterThan(50);
    expect(print.outputs).toEqual({ TOKEN: '***', KEY: '***' });
    expect(actionOf(done, 'leak', 'fail').attempts[0]!.error).toMatch(/^exit code 3: [*\n]+token \*\*\*$/);
    expect(actionOf(done, 'leak', 'bad-output').attempts[0]!.error).toContain('"oops ***"');
    // The HTTP action sent the value it named, and stored none of what came back.
    expect(actionOf(done, 'leak', 'call').status).toBe('SUCCEEDED');
    expect(requests.find((r) => r.path === '/echo')?.headers.authorization).toBe(
      `Bearer ${canaries.PIPE_CANARY}`,
    );
    expect(actionOf(done, 'leak', 'call').logs.map((l) => l.text)).toContainEqual(
      expect.stringMatching(/^ +"authorization": "Bearer \*\*\*",?$/),
    );

    const [deploymentRun]: Array<{ id: string; failure_reason: string }> = await h.dataSource.query(
      'SELECT id, failure_reason FROM deployment_runs WHERE pipeline_run_id = $1',
      [run.id],
    );
    expect(deploymentRun!.failure_reason).toMatch(/exit code 4: [*\n]+$/);
    const hooks = await eventually(
      async () => requests.filter((r) => r.path === '/hooks/canary'),
      (list) => list.some((r) => r.body.includes('RUN_FAILED')),
    );
    const sinks = {
      'the run as the API serves it': JSON.stringify(await h.gql(runQuery, { id: run.id })),
      'the deployment run as the API serves it': JSON.stringify(
        await h.gql(`query($id: ID!) { deploymentRun(id: $id) { failureReason logs { text } } }`, {
          id: deploymentRun!.id,
        }),
      ),
      'the database': await databaseText(h),
      'the run workflow history': await historyText(h, done.temporalWorkflowId),
      'the deployment workflow history': await historyText(h, `deployment-run-${deploymentRun!.id}`),
      'webhook payloads': JSON.stringify(hooks),
    };
    expect(sinks['the database']).toContain('***');
    expect(leaksOf(sinks, canaries)).toEqual([]);
  });
});
