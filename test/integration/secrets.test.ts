import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, inject } from 'vitest';
import { SecretBox } from '../../db/secret-box';
import { test, type Harness } from '../support/fixtures';
import { freePort } from '../support/processes';
import {
  actionOf,
  command,
  createPipeline,
  ended,
  runQuery,
  trigger,
  waitForRun,
} from '../support/pipelines';

const setSecret = `mutation($i: SecretInput!) { setSecret(input: $i) { id name scope updatedAt environment { id } pipeline { id } } }`;
const secretsQuery = `query { secrets { id name scope updatedAt environment { id name } pipeline { id name } } }`;

async function set(h: Harness, input: Record<string, unknown>) {
  const res = await h.gql<{ setSecret: { id: string; name: string; scope: string; updatedAt: string } }>(
    setSecret,
    { i: input },
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.setSecret;
}

const sha8 = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 8);
/** A command printing a short hash of $TOKEN: which value it got, without printing the value itself. */
const tokenHash = `printf %s "$TOKEN" | sha256sum | cut -c1-8`;

describe('secrets', () => {
  test('a canary secret reaches the command but no log, output, error, event, snapshot, history or response', async ({
    harness: h,
  }) => {
    const canary = `canary-${randomBytes(6).toString('hex')}/s3cr3t+key=v 1`;
    const forms = [canary, Buffer.from(canary).toString('base64'), encodeURIComponent(canary)];
    const created = await set(h, { name: 'CANARY', value: canary });
    expect(JSON.stringify(created)).not.toContain(canary);

    const pipeline = await createPipeline(h, {
      name: 'canary',
      stages: [
        {
          name: 'leak',
          actions: [
            command(
              'echo-it',
              [
                'echo "plain $CANARY"',
                'echo "b64 $(printf %s "$CANARY" | base64 -w0)"',
                `echo "url $(python3 -c 'import os, urllib.parse; print(urllib.parse.quote(os.environ["CANARY"], safe=""))')"`,
                'echo "TOKEN=$CANARY" > "$LOCKSTEP_OUTPUT"',
              ].join('; '),
            ),
            command('fail-with-it', 'echo "bad token $CANARY" >&2; exit 1'),
          ],
        },
      ],
    });
    const run = await trigger(h, pipeline.id);
    const done = await waitForRun(h, run.id, (r) => r.status === 'FAILED');
    expect(actionOf(done, 'leak', 'echo-it').logs.map((l) => l.text)).toEqual([
      'plain ***',
      'b64 ***',
      'url ***',
    ]);
    expect(actionOf(done, 'leak', 'echo-it').outputs).toEqual({ TOKEN: '***' });
    expect(actionOf(done, 'leak', 'fail-with-it').attempts[0]!.error).toBe('exit code 1: bad token ***');

    const everything = [
      JSON.stringify((await h.gql(runQuery, { id: run.id })).data),
      JSON.stringify((await h.gql(secretsQuery)).data),
      JSON.stringify(await h.dataSource.query('SELECT * FROM pipeline_events WHERE run_id = $1', [run.id])),
      JSON.stringify(
        await h.dataSource.query('SELECT definition, failure_reason FROM pipeline_runs WHERE id = $1', [
          run.id,
        ]),
      ),
      JSON.stringify(await h.dataSource.query('SELECT * FROM action_attempts')),
      JSON.stringify(await h.dataSource.query('SELECT * FROM log_lines')),
      JSON.stringify(await h.dataSource.query('SELECT name, ciphertext FROM secrets')),
      JSON.stringify(await h.temporal.workflow.getHandle(done.temporalWorkflowId).fetchHistory()),
    ];
    expect(everything.join('\n')).toContain('***');
    for (const form of forms) {
      for (const text of everything)
        expect(text.includes(form), `"${form.slice(0, 12)}…" leaked`).toBe(false);
    }
  });

  test('the narrowest scope wins, and rotation applies to actions that start afterwards', async ({
    harness: h,
  }) => {
    const env = await h.gql<{ createEnvironment: { id: string } }>(
      `mutation { createEnvironment(input: { name: "scoped-prod", tier: PRODUCTION }) { id } }`,
    );
    const environmentId = env.data!.createEnvironment.id;
    const stages = (name: string) => ({
      name,
      executionMode: 'PARALLEL',
      stages: [
        { name: 'plain', actions: [command('which', tokenHash)] },
        { name: 'prod', environmentId, actions: [command('which', tokenHash)] },
      ],
    });
    const own = await createPipeline(h, stages('scoped-own'));
    const other = await createPipeline(h, stages('scoped-other'));
    await set(h, { name: 'TOKEN', value: 'global-value' });
    await set(h, { name: 'TOKEN', value: 'environment-value', environmentId });
    const pipelineSecret = await set(h, { name: 'TOKEN', value: 'pipeline-value', pipelineId: own.id });

    const hashes = async (pipelineId: string) => {
      const done = await waitForRun(h, (await trigger(h, pipelineId)).id, ended);
      expect(done.status).toBe('SUCCEEDED');
      return ['plain', 'prod'].map((stage) => actionOf(done, stage, 'which').logs[0]!.text);
    };
    expect(await hashes(own.id)).toEqual([sha8('pipeline-value'), sha8('pipeline-value')]);
    expect(await hashes(other.id)).toEqual([sha8('global-value'), sha8('environment-value')]);

    const rotated = await set(h, { name: 'TOKEN', value: 'pipeline-value-2', pipelineId: own.id });
    expect(rotated.id).toBe(pipelineSecret.id);
    expect(new Date(rotated.updatedAt).getTime()).toBeGreaterThan(
      new Date(pipelineSecret.updatedAt).getTime(),
    );
    expect(await hashes(own.id)).toEqual([sha8('pipeline-value-2'), sha8('pipeline-value-2')]);

    const listed = await h.gql<{ secrets: Array<{ name: string; scope: string }> }>(secretsQuery);
    const tokens = listed.data!.secrets.filter((s) => s.name === 'TOKEN');
    expect(tokens.map((s) => s.scope).sort()).toEqual(['ENVIRONMENT', 'GLOBAL', 'PIPELINE']);
  });

  test('refuses short values, bad names and non-admins, and stores nothing', async ({ harness: h }) => {
    const short = await h.gql(setSecret, { i: { name: 'SHORT', value: 'abc' } });
    expect(short.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.value' });
    const badName = await h.gql(setSecret, { i: { name: 'not a name', value: 'long enough' } });
    expect(badName.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    const reserved = await h.gql(setSecret, { i: { name: 'LOCKSTEP_RUN_ID', value: 'long enough' } });
    expect(reserved.errors?.[0]?.extensions?.field).toBe('input.name');
    const operator = await h.gql(
      setSecret,
      { i: { name: 'OPS', value: 'long enough' } },
      await h.tokenFor('OPERATOR'),
    );
    expect(operator.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const viewerList = await h.gql(secretsQuery, {}, await h.tokenFor('VIEWER'));
    expect(viewerList.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const rows: unknown[] = await h.dataSource.query(
      `SELECT 1 FROM secrets WHERE name IN ('SHORT', 'OPS') OR name LIKE 'not%'`,
    );
    expect(rows).toEqual([]);
    const deleted = await h.gql(`mutation($id: ID!) { deleteSecret(id: $id) }`, {
      id: '00000000-0000-0000-0000-000000000000',
    });
    expect(deleted.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  test('a worker or API with the wrong key, or none, refuses to start with one line naming the key', async ({
    harness: h,
  }) => {
    await set(h, { name: 'BOOT_CHECK', value: 'sealed with the test key' });
    const root = path.resolve(__dirname, '..', '..');
    const port = String(await freePort());
    const start = (entry: string, key: string | undefined) =>
      spawnSync(process.execPath, ['--import', 'tsx', entry], {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DATABASE_URL: h.databaseUrl,
          TEMPORAL_ADDRESS: inject('temporalAddress'),
          TEMPORAL_TASK_QUEUE: `boot-check-${randomBytes(4).toString('hex')}`,
          PORT: port,
          ...(key ? { LOCKSTEP_SECRET_KEY: key } : {}),
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
    const wrongKey = SecretBox.generateKey();
    for (const entry of ['main/worker.ts', 'main/api.ts']) {
      const wrong = start(entry, wrongKey);
      expect(wrong.status, wrong.stderr).toBe(1);
      expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
      expect(wrong.stderr).toContain(
        'LOCKSTEP_SECRET_KEY is not the key the stored secrets were sealed with',
      );
      expect(wrong.stderr).not.toContain(wrongKey);
    }
    const missing = start('main/worker.ts', undefined);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('LOCKSTEP_SECRET_KEY must be set');
  });
});
