import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'typeorm';

/** The DORA dashboard's read: all five metrics with their series, as the benchmarks ask for them. */
export const metricsQuery = /* GraphQL */ `
  query ($f: DoraFilter!) {
    doraMetrics(filter: $f) {
      deploymentFrequency {
        value
        level
        sampleSize
        series {
          bucketStart
          value
          sampleSize
        }
      }
      leadTimeForChanges {
        value
        p75
        p90
        level
        sampleSize
        series {
          bucketStart
          value
          sampleSize
        }
      }
      changeFailureRate {
        value
        level
        sampleSize
        series {
          bucketStart
          value
          sampleSize
        }
      }
      timeToRestore {
        value
        p75
        p90
        level
        sampleSize
        series {
          bucketStart
          value
          sampleSize
        }
      }
      deploymentReworkRate {
        value
        sampleSize
        series {
          bucketStart
          value
          sampleSize
        }
      }
    }
  }
`;

/** The benchmark's read: a page of runs with their stages and actions. */
export const runsQuery = /* GraphQL */ `
  query ($n: Int) {
    pipelineRuns(first: $n) {
      totalCount
      edges {
        node {
          id
          number
          status
          startedAt
          stages {
            id
            name
            status
            actions {
              id
              name
              status
              startedAt
              finishedAt
            }
          }
        }
      }
    }
  }
`;

/** GraphQL over HTTP POST with keep-alive connections, at most `sockets` of them. */
export class GraphqlHttpClient {
  private readonly agent: Agent;

  constructor(
    private readonly token: string,
    sockets: number,
  ) {
    // The API closes a connection idle for its keep-alive time (its Keep-Alive header says how long); a
    // request sent on it at that moment fails with "socket hang up". Node's Agent heeds the server's hint
    // only when given a timeout of its own: with one, an idle socket is closed here a second before.
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, timeout: 60_000 });
  }

  /** The response body; rejects on a status other than 200 or a body with GraphQL errors. */
  post(url: string, query: string, variables: Record<string, unknown>): Promise<string> {
    const body = JSON.stringify({ query, variables });
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${this.token}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200 || text.includes('"errors"'))
              reject(new Error(`${url} answered ${res.statusCode}: ${text.slice(0, 500)}`));
            else resolve(text);
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The `data` of the response. */
  async data<T>(url: string, query: string, variables: Record<string, unknown>): Promise<T> {
    return (JSON.parse(await this.post(url, query, variables)) as { data: T }).data;
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface ClosedLoop {
  /** Requests answered inside the measured window, per second of it. */
  perSecond: number;
  requests: number;
}

/**
 * `concurrency` loops that each send a request as soon as the previous one is answered: `warmupMs` not
 * counted, then `durationMs` counted (requests answered inside the window). The first failure ends it.
 */
export async function closedLoop(
  send: () => Promise<unknown>,
  options: { concurrency: number; warmupMs: number; durationMs: number },
): Promise<ClosedLoop> {
  const started = performance.now();
  const windowStart = started + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  let counted = 0;
  const loop = async () => {
    while (performance.now() < windowEnd) {
      await send();
      const at = performance.now();
      if (at >= windowStart && at < windowEnd) counted++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  return { perSecond: counted / (options.durationMs / 1000), requests: counted };
}

/** A TypeORM logger that only counts the statements it is shown. */
export class StatementCounter implements Logger {
  count = 0;

  logQuery(): void {
    this.count++;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
