// The fan-out benchmark's subscribers and event announcer, in a process of their own so the API's process
// does nothing but serve them (started by `fan-out.bench.ts`). It sends its parent the measurement.
import { inspect } from 'node:util';
import { Pool } from 'pg';
import { measureFanOut, type FanOut } from './fan-out';

export interface FanOutSpec {
  databaseUrl: string;
  wsUrls: string[];
  tokens: string[];
  subscribersPerToken: number;
  run: { runId: string; pipelineId: string };
  subscribers: number;
  events: number;
}

export type FanOutMessage = { type: 'done'; result: FanOut } | { type: 'failed'; message: string };

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as FanOutSpec;
  const pool = new Pool({ connectionString: spec.databaseUrl, max: 1, application_name: 'lockstep-bench' });
  try {
    const result = await measureFanOut(pool, spec);
    // Large messages are written asynchronously: disconnecting before the callback would cut this one.
    await new Promise<void>((resolve, reject) =>
      process.send?.({ type: 'done', result } satisfies FanOutMessage, undefined, {}, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  } finally {
    await pool.end();
  }
}

main().then(
  () => process.disconnect?.(),
  (error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : inspect(error, { depth: 2 });
    process.send?.({ type: 'failed', message } satisfies FanOutMessage, () => process.exit(1));
  },
);
