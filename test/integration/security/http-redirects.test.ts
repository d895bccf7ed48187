import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { test } from '../../support/fixtures';
import { actionOf, createPipeline, ended, trigger, waitForRun } from '../../support/pipelines';

// Two origins: the one an HTTP action is configured for, and another one a redirect points at.
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
const seen: { home: Seen[]; elsewhere: Seen[] } = { home: [], elsewhere: [] };
let home: Server;
let elsewhere: Server;
let homeUrl = '';
let elsewhereUrl = '';

function listen(record: Seen[], route: (url: string) => [number, Record<string, string>]): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      record.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const [status, headers] = route(req.url!);
      res.writeHead(status, headers).end('ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  elsewhere = await listen(seen.elsewhere, () => [200, {}]);
  elsewhereUrl = urlOf(elsewhere);
  home = await listen(seen.home, (url) => {
    if (url === '/start') return [302, { location: '/same-origin' }];
    if (url === '/same-origin') return [302, { location: `${elsewhereUrl}/landing` }];
    if (url === '/upload') return [307, { location: `${elsewhereUrl}/upload` }];
    return [404, {}];
  });
  homeUrl = urlOf(home);
});
afterAll(async () => {
  for (const server of [home, elsewhere]) await new Promise((resolve) => server.close(resolve));
});

const credentials = {
  authorization: 'Bearer canary-authorization-4e1d',
  cookie: 'session=canary-cookie-77aa',
  'x-api-key': 'canary-api-key-90c3',
};

describe('HTTP actions and redirects', () => {
  test("a redirect to another origin does not carry the action's Authorization, Cookie or custom headers", async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'redirected',
      stages: [
        {
          name: 'call',
          actions: [
            { name: 'call', kind: 'HTTP', config: { url: `${homeUrl}/start`, headers: credentials } },
          ],
        },
      ],
    });
    const done = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended);
    const call = actionOf(done, 'call', 'call');
    expect(call.status).toBe('SUCCEEDED');
    // Within the origin the headers are kept (the redirect is followed as configured).
    const same = seen.home.find((r) => r.url === '/same-origin');
    expect(same?.headers).toMatchObject(credentials);
    // The other origin is reached, without any of them.
    const landing = seen.elsewhere.find((r) => r.url === '/landing');
    expect(landing).toBeDefined();
    for (const name of Object.keys(credentials)) expect(landing!.headers[name], name).toBeUndefined();
    expect(JSON.stringify(seen.elsewhere)).not.toContain('canary');
    expect(call.logs.map((l) => l.text)).toContain(
      `redirected (302) to ${elsewhereUrl}/landing: another origin, sent without the configured headers`,
    );
  });

  test('a 307 redirect to another origin cannot make the action re-send its request body there', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'redirected-body',
      stages: [
        {
          name: 'call',
          actions: [
            {
              name: 'upload',
              kind: 'HTTP',
              config: {
                url: `${homeUrl}/upload`,
                method: 'POST',
                body: '{"token":"canary-body-5b2f"}',
                headers: { 'content-type': 'application/json' },
              },
              retryPolicy: { maximumAttempts: 3, initialIntervalMs: 100, backoffCoefficient: 1 },
            },
          ],
        },
      ],
    });
    const done = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended);
    const upload = actionOf(done, 'call', 'upload');
    expect(upload.status).toBe('FAILED');
    // Refused for good: the same redirect would come back on every attempt.
    expect(upload.attempts.map((a) => a.error)).toEqual([
      `redirected (307) to another origin (${elsewhereUrl}) with the request body: not followed`,
    ]);
    expect(seen.elsewhere.filter((r) => r.url === '/upload')).toEqual([]);
  });
});
