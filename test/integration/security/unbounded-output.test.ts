import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { test } from '../../support/fixtures';
import { actionOf, command, createPipeline, ended, ms, trigger, waitForRun } from '../../support/pipelines';

/**
 * Finding 3 of the trust-boundary review: one build step printing a 600 MB line killed the worker
 * (readline buffered it whole: RangeError: Invalid string length), and no limit bounded what an action's
 * output, log or HTTP response could take.
 */

const logLimitBytes = 10 * 1024 * 1024; // LOCKSTEP_LOG_LIMIT_BYTES's default, which the test worker uses

let server: Server;
let endless = '';
const served = { bytes: 0, closed: false };
beforeAll(async () => {
  // An HTTP server that never stops answering.
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = Buffer.alloc(64 * 1024, 'z');
    const timer = setInterval(() => {
      served.bytes += chunk.length;
      res.write(chunk);
    }, 5);
    res.on('close', () => {
      clearInterval(timer);
      served.closed = true;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endless = `http://127.0.0.1:${(server.address() as AddressInfo).port}/endless`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('unbounded output', () => {
  test('a COMMAND printing one 600 MB line does not kill the worker: the line is cut while read, and the next run succeeds', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'one-endless-line',
      stages: [
        {
          name: 'build',
          actions: [command('flood', "head -c 600000000 /dev/zero | tr '\\0' a; echo; echo after the line")],
        },
      ],
    });
    const done = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended, 120_000);
    const flood = actionOf(done, 'build', 'flood');
    expect(flood.status).toBe('SUCCEEDED');
    const [line, after] = flood.logs.map((l) => l.text);
    expect(line).toMatch(/^a{16384}… \[truncated: \d+ more bytes\]$/);
    expect(Number(/(\d+) more bytes/.exec(line!)![1])).toBe(600_000_000 - 16_384);
    expect(after).toBe('after the line');

    const next = await createPipeline(h, {
      name: 'after-the-flood',
      stages: [{ name: 'build', actions: [command('hello', 'echo still here')] }],
    });
    const again = await waitForRun(h, (await trigger(h, next.id)).id, ended);
    expect(again.status).toBe('SUCCEEDED');
    expect(actionOf(again, 'build', 'hello').logs.map((l) => l.text)).toEqual(['still here']);
  });

  test("a COMMAND flooding its log stores at most the attempt's limit, then one line saying what was left out", async ({
    harness: h,
  }) => {
    // 1,300 lines of 16,000 bytes: about twice the limit.
    const pipeline = await createPipeline(h, {
      name: 'log-flood',
      stages: [
        {
          name: 'build',
          actions: [command('flood', `yes "$(head -c 16000 /dev/zero | tr '\\0' b)" | head -n 1300`)],
        },
      ],
    });
    const done = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended, 120_000);
    const flood = actionOf(done, 'build', 'flood');
    expect(flood.status).toBe('SUCCEEDED');
    const rows: Array<{ text: string; bytes: number }> = await h.dataSource.query(
      'SELECT text, octet_length(text)::int AS bytes FROM log_lines WHERE action_run_id = $1 ORDER BY seq',
      [flood.id],
    );
    const note = rows.at(-1)!;
    const stored = rows.slice(0, -1);
    expect(stored.reduce((sum, row) => sum + row.bytes, 0)).toBeLessThanOrEqual(logLimitBytes);
    expect(stored).toHaveLength(Math.floor(logLimitBytes / 16_000));
    expect(note.text).toBe(
      `[lockstep] log limit of ${logLimitBytes} bytes reached: ${1300 - stored.length} more lines ` +
        `(${(1300 - stored.length) * 16_000} bytes) were not stored`,
    );
  });

  test('an HTTP action whose server answers without end reads at most 1 MiB of it and finishes', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'endless-response',
      stages: [
        {
          name: 'verify',
          actions: [{ name: 'probe', kind: 'HTTP', config: { url: endless }, timeoutSeconds: 60 }],
        },
      ],
    });
    const done = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended, 60_000);
    const probe = actionOf(done, 'verify', 'probe');
    expect(probe.status).toBe('SUCCEEDED');
    expect(ms(probe.finishedAt) - ms(probe.startedAt)).toBeLessThan(20_000);
    expect(probe.logs.at(-1)?.text).toBe('[lockstep] response body read up to 1048576 bytes');
    expect(served.closed).toBe(true); // the worker hung up instead of reading on
  });
});
