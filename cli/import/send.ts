import { LockstepError, RecordExternalDeploymentsDocument, type LockstepClient } from '../client';
import type { HistoryLine } from './ndjson';

/** How a history is cut into calls: the API takes 1,000 deployments and a 1 MiB body at most. */
export const batchLimits = { deployments: 1000, bytes: 900_000 } as const;

/** A batch the API refused: the line of the report at fault when the error names one. */
export class BatchRefused extends Error {
  constructor(
    readonly line: number,
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface SendProgress {
  sent: number;
  recorded: number;
}

/** Consecutive lines, each batch small enough for one call. */
export async function* batches(lines: AsyncIterable<HistoryLine>): AsyncGenerator<HistoryLine[]> {
  let batch: HistoryLine[] = [];
  let bytes = 0;
  for await (const line of lines) {
    if (
      batch.length >= batchLimits.deployments ||
      (batch.length > 0 && bytes + line.bytes > batchLimits.bytes)
    ) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(line);
    bytes += line.bytes + 1;
  }
  if (batch.length > 0) yield batch;
}

/**
 * Sends the batches through `recordExternalDeployments`, `concurrency` calls at a time, in file order.
 * Each call is all or none; the first refusal stops new calls, lets those in flight end, and is thrown
 * with the line at fault. `onProgress` hears after each call.
 */
export async function sendBatches(
  client: LockstepClient,
  source: AsyncIterable<HistoryLine[]>,
  concurrency: number,
  onProgress: (progress: SendProgress) => void,
): Promise<SendProgress> {
  const progress: SendProgress = { sent: 0, recorded: 0 };
  const iterator = source[Symbol.asyncIterator]();
  let failure: Error | undefined;
  // Each worker takes the next batch when its call is answered; the iterator hands them out in order.
  const worker = async () => {
    while (failure === undefined) {
      const next = await iterator.next();
      if (next.done) return;
      try {
        const { recordExternalDeployments: recorded } = await client.request(
          RecordExternalDeploymentsDocument,
          {
            input: next.value.map((l) => l.input),
          },
        );
        progress.sent += next.value.length;
        progress.recorded += recorded;
        onProgress(progress);
      } catch (error) {
        failure ??= refusal(error instanceof Error ? error : new Error(String(error)), next.value);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  if (failure !== undefined) throw failure;
  return progress;
}

/** The API's error on a batch, pinned to a line when it names a report (`input[17].…`). */
function refusal(error: Error, batch: HistoryLine[]): Error {
  if (!(error instanceof LockstepError)) return error;
  const index = /^input\[(\d+)\]/.exec(error.field ?? '')?.[1];
  const line = index === undefined ? undefined : batch[Number(index)]?.line;
  if (line === undefined) return error;
  return new BatchRefused(line, error.message.replace(/^input\[\d+\]\./, ''), error.code);
}
