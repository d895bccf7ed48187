import type { DataSource } from 'typeorm';
import type { LogNotification } from '../../db/notify';
import { PipelineEventEntity } from '../../db/entities/pipeline-event.entity';
import { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import { notFound } from '../errors';
import { isUuid } from '../graphql/validate';
import { AsyncQueue } from './async-queue';
import type { NotificationHub } from './notification-hub';

interface EventSubscriber {
  pipelineId: string | null;
  queue: AsyncQueue<PipelineEventEntity>;
  /** The highest id passed on; catching up reads from a little below it (see `reorderMargin`). */
  lastId: bigint;
  /** Ids recently passed on, so an event read twice (live and while catching up) goes out once. */
  seen: Set<string>;
  /** While catching up from the database, live rows wait here (then only newer ones are passed on). */
  held: PipelineEventEntity[] | null;
  /** More live rows came while catching up than `heldLimit`: they were let go, the database has them. */
  heldOverflowed: boolean;
}

/** Rows read from the database at a time (at most the queue limit); the next page waits for room. */
const maxPageSize = 500;
/** Live rows held while a subscriber catches up; past this they are re-read from the database instead. */
const heldLimit = 1000;
/**
 * Ids are taken when a row is inserted, but transactions commit in their own order, so an event can
 * become visible after one with a higher id. Catching up re-reads this far below the last id passed on.
 */
const reorderMargin = 200n;
const seenLimit = 2000;

/** A log line as subscribers get it (a deployment run's also names its step). */
export interface LogLineRow {
  seq: number;
  at: Date;
  stream: string;
  text: string;
  step?: string;
}

/** Where each owner's lines are, and which announcements are about it. */
const logSources = {
  action: {
    what: 'action run',
    exists: 'SELECT 1 FROM action_runs WHERE id = $1',
    last: 'SELECT COALESCE(max(seq), 0)::int AS last FROM log_lines WHERE action_run_id = $1',
    after: `SELECT seq, at, stream, text FROM log_lines
             WHERE action_run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    announces: (message: LogNotification, id: string) => message.actionRunId === id,
  },
  deployment: {
    what: 'deployment run',
    exists: 'SELECT 1 FROM deployment_runs WHERE id = $1',
    last: 'SELECT COALESCE(max(seq), 0)::int AS last FROM deployment_log_lines WHERE deployment_run_id = $1',
    after: `SELECT seq, step, at, stream, text FROM deployment_log_lines
             WHERE deployment_run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    announces: (message: LogNotification, id: string) => message.deploymentRunId === id,
  },
} as const;

/**
 * The live feeds behind the GraphQL subscriptions, fed by the engine's NOTIFY announcements through the
 * process's hub. Each new event row is read once per process and handed to every subscriber that wants
 * it; ids order events, so a subscriber resumes after the last id it saw (after a reconnect, or when a
 * client asks with `afterEventId`) without gaps or repeats.
 */
export class LiveFeeds {
  private readonly eventSubscribers = new Set<EventSubscriber>();
  /** The subscribers of each watched run, and how to stop listening for it once none is left. */
  private readonly runWatches = new Map<
    string,
    { members: Set<AsyncQueue<PipelineRunEntity>>; stop: () => void }
  >();
  /** Announced events are read and handed on one at a time, in the order they were announced. */
  private deliveries: Promise<void> = Promise.resolve();
  private readonly pageSize: number;
  private readonly heldLimit: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly hub: NotificationHub,
    /** Messages that may wait for one subscriber (LOCKSTEP_SUBSCRIPTION_QUEUE_LIMIT). */
    private readonly queueLimit = 1000,
  ) {
    this.pageSize = Math.min(maxPageSize, queueLimit);
    this.heldLimit = Math.min(heldLimit, queueLimit);
    hub.on('events', ({ eventId }) => {
      if (this.eventSubscribers.size === 0) return;
      this.deliveries = this.deliveries.then(() => this.deliverEvent(eventId)).catch(() => undefined);
    });
    hub.on('reconnected', () => {
      for (const subscriber of this.eventSubscribers) void this.catchUp(subscriber);
    });
  }

  /**
   * Events of one pipeline (or all), from after `afterEventId` when given, else from now on. The backlog
   * is read page by page as the subscriber takes it, never whole. `onOverflow` runs when the subscriber
   * stops keeping up with live events (the caller drops its connection).
   */
  async events(
    pipelineId: string | null,
    afterEventId: string | null,
    onOverflow?: () => void,
  ): Promise<AsyncQueue<PipelineEventEntity>> {
    if (pipelineId !== null && !isUuid(pipelineId)) throw notFound('pipeline', pipelineId);
    const queue = new AsyncQueue<PipelineEventEntity>(this.queueLimit, onOverflow);
    const subscriber: EventSubscriber = {
      pipelineId,
      queue,
      lastId: 0n,
      seen: new Set(),
      held: [],
      heldOverflowed: false,
    };
    this.eventSubscribers.add(subscriber);
    queue.onClose(() => this.eventSubscribers.delete(subscriber));
    if (afterEventId !== null && /^\d{1,19}$/.test(afterEventId)) {
      subscriber.lastId = BigInt(afterEventId);
      void this.catchUp(subscriber); // in the background: it waits for the subscriber to read
    } else {
      const [row]: Array<{ last: string | null }> = await this.dataSource.query(
        'SELECT max(id)::text AS last FROM pipeline_events',
      );
      subscriber.lastId = BigInt(row?.last ?? '0');
      this.release(subscriber);
    }
    return queue;
  }

  /**
   * The run as it is now, then again after each change. The subscribers of one run share its reloads:
   * one read per change, the same row handed to each (so their executions are shared too).
   */
  async runUpdates(runId: string, onOverflow?: () => void): Promise<AsyncQueue<PipelineRunEntity>> {
    const runs = this.dataSource.getRepository(PipelineRunEntity);
    const first = isUuid(runId) ? await runs.findOneBy({ id: runId }) : null;
    if (!first) throw notFound('pipeline run', runId);
    const queue = new AsyncQueue<PipelineRunEntity>(this.queueLimit, onOverflow);
    queue.push(first);
    let watch = this.runWatches.get(runId);
    if (!watch) {
      const members = new Set<AsyncQueue<PipelineRunEntity>>();
      // A reload goes to those watching when it started: a later one read the run itself, afterwards.
      const reload = coalesced(async () => {
        const to = [...members];
        const run = await runs.findOneBy({ id: runId });
        if (run) for (const member of to) member.push(run);
      });
      const detach = [
        this.hub.on('runs', (message) => message.runId === runId && reload()),
        this.hub.on('reconnected', reload),
      ];
      watch = { members, stop: () => detach.forEach((off) => off()) };
      this.runWatches.set(runId, watch);
    }
    const { members, stop } = watch;
    members.add(queue);
    queue.onClose(() => {
      members.delete(queue);
      if (members.size > 0) return;
      stop();
      if (this.runWatches.get(runId)?.members === members) this.runWatches.delete(runId);
    });
    return queue;
  }

  /** New log lines of an action run, or of a deployment run's plan and apply, from after `afterSeq` when
   * given, else from now on. */
  async logLines(
    owner: { kind: 'action' | 'deployment'; id: string },
    afterSeq: number | null,
    onOverflow?: () => void,
  ): Promise<AsyncQueue<LogLineRow>> {
    const source = logSources[owner.kind];
    if (!isUuid(owner.id)) throw notFound(source.what, owner.id);
    const exists: unknown[] = await this.dataSource.query(source.exists, [owner.id]);
    if (exists.length === 0) throw notFound(source.what, owner.id);
    let last = afterSeq;
    if (last === null) {
      const [row]: Array<{ last: number }> = await this.dataSource.query(source.last, [owner.id]);
      last = row?.last ?? 0;
    }
    const queue = new AsyncQueue<LogLineRow>(this.queueLimit, onOverflow);
    // Every line after the last one passed on, a page at a time as the subscriber takes them.
    const fetchNew = coalesced(async () => {
      for (;;) {
        await queue.room(this.pageSize);
        if (queue.isEnded) return;
        const rows: LogLineRow[] = await this.dataSource.query(source.after, [owner.id, last, this.pageSize]);
        for (const row of rows) {
          last = Math.max(last!, row.seq);
          queue.push(row);
        }
        if (rows.length < this.pageSize) return;
      }
    });
    queue.onClose(this.hub.on('logs', (message) => source.announces(message, owner.id) && fetchNew()));
    queue.onClose(this.hub.on('reconnected', fetchNew));
    if (afterSeq !== null) fetchNew();
    return queue;
  }

  private async deliverEvent(eventId: string): Promise<void> {
    const event = await this.dataSource.getRepository(PipelineEventEntity).findOneBy({ id: eventId });
    if (!event) return;
    for (const subscriber of this.eventSubscribers) {
      if (subscriber.pipelineId !== null && subscriber.pipelineId !== event.pipelineId) continue;
      if (!subscriber.held) this.pass(subscriber, event);
      else if (subscriber.held.length < this.heldLimit) subscriber.held.push(event);
      else {
        subscriber.held = [];
        subscriber.heldOverflowed = true;
      }
    }
  }

  private pass(subscriber: EventSubscriber, event: PipelineEventEntity): void {
    if (subscriber.seen.has(event.id)) return;
    subscriber.seen.add(event.id);
    if (subscriber.seen.size > seenLimit) subscriber.seen.delete(subscriber.seen.values().next().value!);
    const id = BigInt(event.id);
    if (id > subscriber.lastId) subscriber.lastId = id;
    subscriber.queue.push(event);
  }

  /**
   * Reads what the subscriber missed from the database, a page at a time and only when it has room for
   * one, then passes on what arrived meanwhile. A failed read ends the subscription with the error.
   */
  private async catchUp(subscriber: EventSubscriber): Promise<void> {
    subscriber.held ??= [];
    const { queue } = subscriber;
    try {
      // A client resuming after an id gets exactly what came after it; a reconnect re-reads a margin.
      let from = subscriber.seen.size > 0 ? subscriber.lastId - reorderMargin : subscriber.lastId;
      for (;;) {
        await queue.room(this.pageSize);
        if (queue.isEnded) return;
        const rows = await this.dataSource
          .getRepository(PipelineEventEntity)
          .createQueryBuilder('e')
          .where('e.id > :from', { from: (from < 0n ? 0n : from).toString() })
          .andWhere(subscriber.pipelineId ? 'e.pipeline_id = :pipelineId' : 'TRUE', {
            pipelineId: subscriber.pipelineId,
          })
          .orderBy('e.id', 'ASC')
          .take(this.pageSize)
          .getMany();
        for (const row of rows) this.pass(subscriber, row);
        if (rows.length === this.pageSize) {
          from = BigInt(rows.at(-1)!.id);
          continue;
        }
        await queue.room(subscriber.held.length); // the held rows go next
        if (queue.isEnded || !subscriber.heldOverflowed) break;
        // Live rows were let go meanwhile: read on from the last one passed on, margin included.
        subscriber.heldOverflowed = false;
        from = subscriber.lastId - reorderMargin;
      }
    } catch (error) {
      queue.fail(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.release(subscriber);
    }
  }

  private release(subscriber: EventSubscriber): void {
    const held = subscriber.held ?? [];
    subscriber.held = null;
    for (const event of held.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)))
      this.pass(subscriber, event);
  }
}

/** Runs `work` now, or once more right after the run in progress: bursts of wake-ups collapse. */
function coalesced(work: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    work()
      .catch(() => undefined) // the next wake-up tries again
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          run();
        }
      });
  };
  return run;
}
