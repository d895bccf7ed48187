import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ok, test } from '../../support/fixtures';
import { historyText, leaksOf } from '../../support/leaks';
import { actionOf, createPipeline, ended, trigger, waitForRun } from '../../support/pipelines';

/** A server that records what it receives and answers with it. */
let server: Server;
let base: string;
const requests: Array<{ path: string; authorization: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    res.end(`you sent ${req.headers.authorization ?? 'nothing'}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const setSecret = `mutation($i: SecretInput!) { setSecret(input: $i) { id } }`;
const http = (name: string, path: string, headers: Record<string, string>) => ({
  name,
  kind: 'HTTP',
  config: { url: `${base}${path}`, headers },
});

describe('HTTP actions and secrets', () => {
  test('a token an HTTP action names is sent, but its definition, the run snapshot and the history hold only the name', async ({
    harness: h,
  }) => {
    const token = `tok_${randomBytes(12).toString('hex')}`;
    const env = await ok<{ createEnvironment: { id: string } }>(
      h,
      `mutation { createEnvironment(input: { name: "http-prod", tier: PRODUCTION }) { id } }`,
    );
    const environmentId = env.createEnvironment.id;
    await ok(h, setSecret, { i: { name: 'API_TOKEN', value: 'the-global-one' } });
    await ok(h, setSecret, { i: { name: 'API_TOKEN', value: token, environmentId } });
    const pipeline = await createPipeline(h, {
      name: 'http-with-token',
      stages: [
        {
          name: 'notify',
          environmentId,
          actions: [http('call', '/by-reference', { authorization: 'Bearer ${{ secrets.API_TOKEN }}' })],
        },
      ],
    });
    const done = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended);
    expect(done.status).toBe('SUCCEEDED');
    // The narrowest scope wins, as for commands.
    expect(requests.find((r) => r.path === '/by-reference')?.authorization).toBe(`Bearer ${token}`);
    expect(actionOf(done, 'notify', 'call').logs.map((l) => l.text)).toContain('you sent Bearer ***');
    const [stored]: Array<{ definition: unknown }> = await h.dataSource.query(
      'SELECT definition FROM pipeline_runs WHERE id = $1',
      [done.id],
    );
    expect(JSON.stringify(stored!.definition)).toContain('Bearer ${{ secrets.API_TOKEN }}');
    const sinks = {
      'the run snapshot': JSON.stringify(stored),
      'the definition': JSON.stringify(await h.dataSource.query('SELECT config FROM actions')),
      'the workflow history': await historyText(h, done.temporalWorkflowId),
    };
    expect(leaksOf(sinks, { API_TOKEN: token })).toEqual([]);
  });

  test('an HTTP action naming a secret that is not set fails with its name and sends nothing', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'http-missing-secret',
      stages: [
        {
          name: 'notify',
          actions: [http('call', '/missing', { authorization: 'Bearer ${{ secrets.NOT_SET_ANYWHERE }}' })],
        },
      ],
    });
    const done = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended);
    expect(done.status).toBe('FAILED');
    expect(done.failureReason).toContain('secret "NOT_SET_ANYWHERE" referred to in the headers is not set');
    expect(actionOf(done, 'notify', 'call').attempts).toHaveLength(1);
    expect(requests.filter((r) => r.path === '/missing')).toEqual([]);
  });

  test('a VIEWER cannot read credentials written in action config, through a pipeline or a run; an OPERATOR can', async ({
    harness: h,
  }) => {
    const headers = { authorization: 'Bearer ${{ secrets.API_TOKEN }}', 'x-api-key': 'sk_live_literal_4242' };
    const pipeline = await createPipeline(h, {
      name: 'config-readers',
      stages: [
        {
          name: 'notify',
          actions: [
            { ...http('call', '/viewer', headers), runOrder: 1 },
            {
              name: 'script',
              kind: 'COMMAND',
              runOrder: 2,
              config: { command: 'echo curl -u deploy:hunter2 example.com', env: { PASSWORD: 'hunter2' } },
            },
          ],
        },
      ],
    });
    const run = await trigger(h, pipeline.id);
    const configs = `{ stages { actions { name config } } }`;
    const query = `query($p: ID!, $r: ID!) {
      pipeline(id: $p) ${configs}
      pipelines(first: 50) { edges { node { id stages { actions { name config } } } } }
      pipelineRun(id: $r) { pipeline ${configs} }
    }`;
    type Configs = { stages: Array<{ actions: Array<{ name: string; config: Record<string, unknown> }> }> };
    const read = async (role: 'VIEWER' | 'OPERATOR') => {
      const res = await h.gql<{
        pipeline: Configs;
        pipelines: { edges: Array<{ node: Configs & { id: string } }> };
        pipelineRun: { pipeline: Configs };
      }>(query, { p: pipeline.id, r: run.id }, await h.tokenFor(role));
      expect(res.errors).toBeUndefined();
      const listed = res.data!.pipelines.edges.find((e) => e.node.id === pipeline.id)!.node;
      return [res.data!.pipeline, listed, res.data!.pipelineRun.pipeline].map((p) =>
        Object.fromEntries(p.stages[0]!.actions.map((a) => [a.name, a.config])),
      );
    };
    for (const seen of await read('VIEWER')) {
      expect(seen).toEqual({
        call: {
          url: '***',
          headers: { authorization: 'Bearer ${{ secrets.API_TOKEN }}', 'x-api-key': '***' },
        },
        script: { command: '***', env: { PASSWORD: '***' } },
      });
    }
    for (const seen of await read('OPERATOR')) {
      expect(seen.call).toEqual({ url: `${base}/viewer`, headers });
      expect(seen.script).toEqual({
        command: 'echo curl -u deploy:hunter2 example.com',
        env: { PASSWORD: 'hunter2' },
      });
    }
    await waitForRun(h, run.id, ended);
  });
});
