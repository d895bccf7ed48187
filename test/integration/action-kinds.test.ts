import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { test } from '../support/fixtures';
import { actionOf, createPipeline, ended, ms, trigger, waitForRun } from '../support/pipelines';

let server: Server;
let base = '';
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    if (req.url === '/healthy') res.writeHead(200, { 'content-type': 'text/plain' }).end('all good\n');
    else if (req.url === '/created') res.writeHead(201).end();
    else res.writeHead(503).end('down for maintenance');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('action kinds', () => {
  test('WAIT holds the run for its seconds', async ({ harness: h }) => {
    const pipeline = await createPipeline(h, {
      name: 'soak',
      stages: [{ name: 'canary', actions: [{ name: 'soak', kind: 'WAIT', config: { seconds: 2 } }] }],
    });
    const done = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended);
    const soak = actionOf(done, 'canary', 'soak');
    expect(soak.status).toBe('SUCCEEDED');
    expect(ms(soak.finishedAt) - ms(soak.startedAt)).toBeGreaterThanOrEqual(1900);
  });

  test('HTTP succeeds on the expected status and fails, after its retries, on another', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'http',
      stages: [
        {
          name: 'verify',
          actions: [
            { name: 'health', kind: 'HTTP', config: { url: `${base}/healthy` } },
            {
              name: 'create',
              kind: 'HTTP',
              config: { url: `${base}/created`, method: 'POST', body: '{}', expectStatus: 201 },
            },
            {
              name: 'flaky',
              kind: 'HTTP',
              config: { url: `${base}/down` },
              retryPolicy: { maximumAttempts: 2, initialIntervalMs: 100, backoffCoefficient: 1 },
            },
          ],
        },
      ],
    });
    const done = await waitForRun(
      h,
      (await trigger(h, pipeline.id)).id,
      (r) => ended(r) || r.status === 'FAILED',
    );
    expect(done.status).toBe('FAILED');
    expect(actionOf(done, 'verify', 'health').status).toBe('SUCCEEDED');
    expect(actionOf(done, 'verify', 'health').logs.map((l) => l.text)).toEqual([
      `GET ${base}/healthy`,
      'HTTP 200 OK',
      'all good',
    ]);
    expect(actionOf(done, 'verify', 'create').status).toBe('SUCCEEDED');
    const flaky = actionOf(done, 'verify', 'flaky');
    expect(flaky.status).toBe('FAILED');
    expect(flaky.attempts.map((a) => a.error)).toEqual(['expected 2xx, got 503', 'expected 2xx, got 503']);
    expect(hits.filter((hit) => hit === 'GET /down')).toHaveLength(2);
    expect(hits).toContain('POST /created');
  });

  test('a command that cannot start (its working directory is missing) fails once, with the reason', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'nowhere',
      stages: [
        {
          name: 'build',
          actions: [
            {
              name: 'lost',
              kind: 'COMMAND',
              config: { command: 'true', workingDirectory: '/no/such/directory' },
            },
          ],
        },
      ],
    });
    const done = await waitForRun(h, (await trigger(h, pipeline.id)).id, (r) => r.status === 'FAILED');
    const lost = actionOf(done, 'build', 'lost');
    expect(lost.attempts).toHaveLength(1); // not retried as if a worker had been lost
    expect(lost.attempts[0]!.error).toMatch(
      /^exit code 127: could not start the command in \/no\/such\/directory/,
    );
  });
});
