import { createClient, type Client } from 'graphql-ws';
import { performance } from 'node:perf_hooks';
import type { Pool, PoolClient } from 'pg';
import WebSocket from 'ws';
import { notifyChannels } from '../db/notify';

const eventsSubscription = /* GraphQL */ `
  subscription ($p: ID) {
    pipelineEvents(pipelineId: $p) {
      id
      type
      at
    }
  }
`;

export interface FanOut {
  subscribers: number;
  /** From the first socket opened to every subscriber having seen a probe event. */
  subscribeMs: number;
  /** Per delivery (events x subscribers): NOTIFY sent to the subscriber's `next` handler, ms. */
  delays: number[];
  /** Per event: the first and the last delivery, ms. */
  perEvent: Array<{ first: number; last: number }>;
  events: number;
}

interface Subscriber {
  client: Client;
  closed: Promise<void>;
}

/** The event being timed: its id, when its NOTIFY was sent, and the delay of each delivery so far. */
interface Timed {
  id: string;
  t0: number;
  delays: number[];
  all: () => void;
}

/**
 * The engine's way of announcing an event (workflows/activities/projection.activity.ts): a row appended
 * to pipeline_events, then `pg_notify('lockstep_events', {eventId, runId, pipelineId})`. Here they are
 * two statements on one connection so the clock can start right before the NOTIFY is sent.
 */
/** Event keys are unique per run: one sequence per process, and the process id. */
let sequence = 0;

class EventEmitter {
  constructor(
    private readonly connection: PoolClient,
    private readonly run: { runId: string; pipelineId: string },
  ) {}

  async insert(): Promise<string> {
    const key = `bench-fan-out-${process.pid}-${++sequence}`;
    const { rows } = await this.connection.query<{ id: string }>(
      `INSERT INTO pipeline_events (run_id, pipeline_id, event_key, type, stage_name, action_name, message, at)
       VALUES ($1, $2, $3, 'ACTION_SUCCEEDED', 'stage-1', 'action-1', NULL, now()) RETURNING id::text`,
      [this.run.runId, this.run.pipelineId, key],
    );
    return rows[0]!.id;
  }

  async notify(eventId: string): Promise<void> {
    await this.connection.query('SELECT pg_notify($1, $2)', [
      notifyChannels.events,
      JSON.stringify({ eventId, runId: this.run.runId, pipelineId: this.run.pipelineId }),
    ]);
  }
}

const deadline = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
};

/**
 * `subscribers` graphql-ws clients (one socket each) subscribed to one pipeline's events; once all are
 * live (each has seen a probe event), `events` events are announced one at a time, each once the previous
 * one reached every subscriber, and every delivery is timed. All clients are closed before it returns.
 */
export async function measureFanOut(
  pool: Pool,
  options: {
    /** Subscriber i connects to wsUrls[i % length]... */
    wsUrls: string[];
    /** ...with tokens[floor(i / subscribersPerToken)] (each token may only hold so many per API process). */
    tokens: string[];
    subscribersPerToken: number;
    run: { runId: string; pipelineId: string };
    subscribers: number;
    events: number;
  },
): Promise<FanOut> {
  const connection = await pool.connect();
  const emitter = new EventEmitter(connection, options.run);
  const subscribers: Subscriber[] = [];
  let failure: Error | null = null;
  let failed: (error: Error) => void = () => undefined;
  const failing = new Promise<never>((_, reject) => (failed = reject));
  failing.catch(() => undefined);
  const fail = (error: Error) => {
    failure ??= error;
    failed(failure);
  };

  let timed: Timed | null = null;
  let probing: Promise<void> = Promise.resolve();
  let stopProbing = false;
  let live = 0;
  let allLive: () => void = () => undefined;
  const everyoneLive = new Promise<void>((resolve) => (allLive = resolve));

  // Sockets open a batch at a time, each batch acknowledged before the next: a burst of thousands of
  // handshakes at once overflows the listen backlog and the token lookups, which is not what is measured.
  let connected = 0;
  let batchDone: () => void = () => undefined;
  const connectBatch = 100;

  try {
    const opened = performance.now();
    for (let i = 0; i < options.subscribers; i++) {
      if (i > 0 && i % connectBatch === 0 && connected < i) {
        const acknowledged = new Promise<void>((resolve) => (batchDone = resolve));
        await deadline(Promise.race([acknowledged, failing]), 60_000, `subscribers up to ${i} connected`);
      }
      let closedNow: () => void = () => undefined;
      const closed = new Promise<void>((resolve) => (closedNow = resolve));
      const token = options.tokens[Math.floor(i / options.subscribersPerToken)];
      if (token === undefined) throw new Error(`no token for subscriber ${i}`);
      const client = createClient({
        url: options.wsUrls[i % options.wsUrls.length]!,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
        lazy: true,
        on: {
          closed: () => closedNow(),
          connected: () => {
            connected++;
            if (connected % connectBatch === 0 || connected === options.subscribers) batchDone();
          },
        },
      });
      subscribers.push({ client, closed });
      let seen = false;
      client.subscribe<{ pipelineEvents: { id: string } }>(
        { query: eventsSubscription, variables: { p: options.run.pipelineId } },
        {
          next: (result) => {
            const at = performance.now();
            const id = result.data?.pipelineEvents.id;
            if (result.errors || id === undefined) {
              fail(new Error(`subscriber ${i} received ${JSON.stringify(result).slice(0, 500)}`));
              return;
            }
            if (!seen) {
              seen = true;
              if (++live === options.subscribers) allLive();
            }
            if (timed && id === timed.id) {
              timed.delays.push(at - timed.t0);
              if (timed.delays.length === options.subscribers) timed.all();
            }
          },
          error: (error) => {
            const { code, reason } = error as { code?: number; reason?: string }; // a CloseEvent
            const what =
              code === undefined ? JSON.stringify(error).slice(0, 500) : `closed ${code} ${reason}`;
            fail(new Error(`subscriber ${i} failed: ${what}`));
          },
          complete: () => fail(new Error(`subscriber ${i} was completed by the server`)),
        },
      );
    }

    if (connected < options.subscribers) {
      const acknowledged = new Promise<void>((resolve) => (batchDone = resolve));
      await deadline(Promise.race([acknowledged, failing]), 60_000, `all subscribers connected`);
    }
    // Subscribers count as live once a probe reaches them: probes go out until every one has seen one.
    probing = (async () => {
      while (live < options.subscribers && !stopProbing) {
        await emitter.notify(await emitter.insert());
        await Promise.race([everyoneLive, new Promise((resolve) => setTimeout(resolve, 250))]);
      }
    })().catch((error: unknown) => fail(new Error(`announcing a probe event failed: ${String(error)}`)));
    await deadline(
      Promise.race([everyoneLive, failing]),
      Math.max(120_000, options.subscribers * 30),
      `all ${options.subscribers} subscribers live`,
    );
    await probing;
    const subscribeMs = performance.now() - opened;

    // Probes sent while others were still connecting may still be on their way (many, when the server
    // executes per subscriber): one more event, untimed, reaches each subscriber after all of them.
    const delays: number[] = [];
    const perEvent: FanOut['perEvent'] = [];
    for (let e = -1; e < options.events; e++) {
      const id = await emitter.insert();
      let all: () => void = () => undefined;
      const reachedAll = new Promise<void>((resolve) => (all = resolve));
      timed = { id, t0: 0, delays: [], all };
      timed.t0 = performance.now();
      await emitter.notify(id);
      await deadline(Promise.race([reachedAll, failing]), 120_000, `event ${id} reaching every subscriber`);
      if (e >= 0) {
        delays.push(...timed.delays);
        perEvent.push({ first: Math.min(...timed.delays), last: Math.max(...timed.delays) });
      }
      timed = null;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { subscribers: options.subscribers, subscribeMs, delays, perEvent, events: options.events };
  } finally {
    stopProbing = true;
    await probing;
    connection.release();
    await Promise.all(subscribers.map(({ client }) => Promise.resolve(client.dispose())));
    await deadline(
      Promise.all(subscribers.map(({ closed }) => closed)),
      30_000,
      `closing ${subscribers.length} subscribers`,
    );
  }
}
