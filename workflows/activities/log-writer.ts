import type { DataSource } from 'typeorm';
import { notifyChannels, type LogNotification } from '../../db/notify';
import { cutLine } from './log-lines';
import type { LogStream } from './shell';
import { retryTransient } from './transient';

export type { LogStream } from './shell';

/** Whose lines these are: an action run's attempt, or one step of a deployment run. */
export type LogTarget =
  | { kind: 'action'; actionRunId: string; attempt: number }
  | { kind: 'deployment'; deploymentRunId: string; step: 'plan' | 'apply' };

interface PendingLine {
  seq: number;
  at: Date;
  stream: LogStream;
  text: string;
}

/** The last line of an action's log so far ($1: the action run), as a scalar subquery: 0 when none. */
export const lastActionLogSeq = 'SELECT COALESCE(MAX(seq), 0)::int FROM log_lines WHERE action_run_id = $1';

/** The statements of each target: fixed text, never built from values. */
const statements = {
  action: {
    last: `SELECT (${lastActionLogSeq}) AS last`,
    insert: `WITH inserted AS (
               INSERT INTO log_lines (action_run_id, attempt, seq, at, stream, text)
               SELECT $1, $2, s, a, st, t FROM unnest($3::int[], $4::timestamptz[], $5::text[], $6::text[]) AS l(s, a, st, t)
               ON CONFLICT (action_run_id, seq) DO NOTHING RETURNING 1)
             SELECT pg_notify($7, $8) WHERE EXISTS (SELECT 1 FROM inserted)`,
  },
  deployment: {
    last: 'SELECT COALESCE(MAX(seq), 0)::int AS last FROM deployment_log_lines WHERE deployment_run_id = $1',
    insert: `WITH inserted AS (
               INSERT INTO deployment_log_lines (deployment_run_id, step, seq, at, stream, text)
               SELECT $1, $2, s, a, st, t FROM unnest($3::int[], $4::timestamptz[], $5::text[], $6::text[]) AS l(s, a, st, t)
               ON CONFLICT (deployment_run_id, seq) DO NOTHING RETURNING 1)
             SELECT pg_notify($7, $8) WHERE EXISTS (SELECT 1 FROM inserted)`,
  },
} as const;

function ownerOf(target: LogTarget): { id: string; tag: number | string } {
  return target.kind === 'action'
    ? { id: target.actionRunId, tag: target.attempt }
    : { id: target.deploymentRunId, tag: target.step };
}

export interface LogWriterOptions {
  /**
   * How many bytes of text this writer stores at most (an action attempt, a deployment step): past it,
   * lines are counted, not stored, and one line at the next flush says how many were left out.
   */
  limitBytes?: number;
  flushIntervalMs?: number;
}

/**
 * Buffers a command's output lines and writes them in batches (one INSERT per flush), numbering them with a
 * `seq` that continues across the attempts (or steps) of one owner. Each flush is announced on the logs
 * channel. A database that is briefly away delays the writes; it does not lose lines or fail the command.
 */
export class LogWriter {
  private pending: PendingLine[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  private storedBytes = 0;
  /** Set by the first line over the limit: from then on every line is left out, so the log has no hole. */
  private full = false;
  private dropped = { lines: 0, bytes: 0 };

  private constructor(
    private readonly dataSource: DataSource,
    private readonly target: LogTarget,
    private nextSeq: number,
    private readonly limitBytes: number,
    private readonly flushIntervalMs: number,
  ) {}

  static async open(
    dataSource: DataSource,
    target: LogTarget,
    { limitBytes = Infinity, flushIntervalMs = 100 }: LogWriterOptions = {},
  ): Promise<LogWriter> {
    const rows: Array<{ last: number }> = await retryTransient(() =>
      dataSource.query(statements[target.kind].last, [ownerOf(target).id]),
    );
    return LogWriter.after(dataSource, target, rows[0]?.last ?? 0, { limitBytes, flushIntervalMs });
  }

  /** A writer whose first line follows `lastSeq`, the owner's last line as the caller already read it. */
  static after(
    dataSource: DataSource,
    target: LogTarget,
    lastSeq: number,
    { limitBytes = Infinity, flushIntervalMs = 100 }: LogWriterOptions = {},
  ): LogWriter {
    return new LogWriter(dataSource, target, lastSeq + 1, limitBytes, flushIntervalMs);
  }

  /** One line; `cutBytes`: how much of it the reader already left out (see LineSplitter). */
  write(stream: LogStream, line: string, cutBytes = 0): void {
    // PostgreSQL text cannot hold NUL; very long lines are cut so one line cannot flood the table.
    const text = cutLine(line.replaceAll('\0', ''), cutBytes);
    const bytes = Buffer.byteLength(text);
    if (this.full || this.storedBytes + bytes > this.limitBytes) {
      this.full = true;
      this.dropped.lines += 1;
      this.dropped.bytes += bytes;
      return;
    }
    this.storedBytes += bytes;
    this.append(stream, text);
  }

  private append(stream: LogStream, text: string): void {
    this.pending.push({ seq: this.nextSeq++, at: new Date(), stream, text });
    if (this.pending.length >= 500) this.flushInBackground();
    else this.timer ??= setTimeout(() => this.flushInBackground(), this.flushIntervalMs);
  }

  /**
   * Writes everything buffered so far, then (when lines went over the limit since the last call) one line
   * saying how many were left out; resolves when it is stored, and rejects if any batch since the last
   * call could not be stored (the database stayed away longer than the retries wait). Activities call it
   * when their command is done.
   */
  async flush(): Promise<void> {
    if (this.dropped.lines > 0) {
      const { lines, bytes } = this.dropped;
      this.dropped = { lines: 0, bytes: 0 };
      this.append(
        'stderr',
        `[lockstep] log limit of ${this.limitBytes} bytes reached: ${lines} more lines (${bytes} bytes) were not stored`,
      );
    }
    await this.store();
  }

  private async store(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      // Each batch waits for the one before, whatever became of it: lines stay in order.
      this.flushing = this.flushing.then(
        () => retryTransient(() => this.insert(batch)),
        () => retryTransient(() => this.insert(batch)),
      );
    }
    await this.flushing.catch((error: unknown) => {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
    });
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
  }

  /** A flush nobody awaits: a failure is kept for the next awaited flush instead of crashing the worker. */
  private flushInBackground(): void {
    this.store().catch((error: unknown) => {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
    });
  }

  /** One statement: the lines, and their announcement on the logs channel when any were new. */
  private async insert(batch: PendingLine[]): Promise<void> {
    const owner = ownerOf(this.target);
    const payload: LogNotification = {
      ...(this.target.kind === 'action'
        ? { actionRunId: this.target.actionRunId }
        : { deploymentRunId: this.target.deploymentRunId }),
      fromSeq: batch[0]!.seq,
      toSeq: batch[batch.length - 1]!.seq,
    };
    await this.dataSource.query(statements[this.target.kind].insert, [
      owner.id,
      owner.tag,
      batch.map((line) => line.seq),
      batch.map((line) => line.at.toISOString()),
      batch.map((line) => line.stream),
      batch.map((line) => line.text),
      notifyChannels.logs,
      JSON.stringify(payload),
    ]);
  }
}
