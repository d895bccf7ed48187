import type { DataSource } from 'typeorm';
import { notifyChannels, type LogNotification } from '../../db/notify';

export type LogStream = 'stdout' | 'stderr';

const maxLineLength = 16_384;

/**
 * Buffers a command's output lines and writes them in batches (one INSERT per flush), numbering them with a
 * `seq` that continues across the attempts of one action run. Each flush is announced on the logs channel.
 */
export class LogWriter {
  private pending: Array<{ seq: number; at: Date; stream: LogStream; text: string }> = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly dataSource: DataSource,
    private readonly actionRunId: string,
    private readonly attempt: number,
    private nextSeq: number,
    private readonly flushIntervalMs: number,
  ) {}

  static async open(dataSource: DataSource, actionRunId: string, attempt: number, flushIntervalMs = 100) {
    const rows: Array<{ last: number }> = await dataSource.query(
      'SELECT COALESCE(MAX(seq), 0)::int AS last FROM log_lines WHERE action_run_id = $1',
      [actionRunId],
    );
    return new LogWriter(dataSource, actionRunId, attempt, (rows[0]?.last ?? 0) + 1, flushIntervalMs);
  }

  write(stream: LogStream, line: string): void {
    // PostgreSQL text cannot hold NUL; very long lines are cut so one line cannot flood the table.
    const clean = line.replaceAll('\0', '');
    const text = clean.length > maxLineLength ? `${clean.slice(0, maxLineLength)}… [truncated]` : clean;
    this.pending.push({ seq: this.nextSeq++, at: new Date(), stream, text });
    if (this.pending.length >= 500) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushIntervalMs);
  }

  /** Writes everything buffered so far; resolves when it is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.insert(batch));
    return this.flushing;
  }

  private async insert(
    batch: Array<{ seq: number; at: Date; stream: LogStream; text: string }>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO log_lines (action_run_id, seq, attempt, at, stream, text)
         SELECT $1, s, $2, a, st, t FROM unnest($3::int[], $4::timestamptz[], $5::text[], $6::text[]) AS l(s, a, st, t)
         ON CONFLICT (action_run_id, seq) DO NOTHING`,
        [
          this.actionRunId,
          this.attempt,
          batch.map((line) => line.seq),
          batch.map((line) => line.at.toISOString()),
          batch.map((line) => line.stream),
          batch.map((line) => line.text),
        ],
      );
      const payload: LogNotification = {
        actionRunId: this.actionRunId,
        fromSeq: batch[0]!.seq,
        toSeq: batch[batch.length - 1]!.seq,
      };
      await manager.query('SELECT pg_notify($1, $2)', [notifyChannels.logs, JSON.stringify(payload)]);
    });
  }
}
