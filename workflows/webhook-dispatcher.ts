import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { Client as PgClient } from 'pg';
import type { DataSource } from 'typeorm';
import { notifyChannels } from '../db/notify';
import {
  webhookDeliveryWorkflowId,
  webhookDeliveryWorkflowType,
  type WebhookDeliveryInput,
} from './definitions';

export interface WebhookDispatcherOptions {
  dataSource: DataSource;
  /** For the LISTEN connection (kept apart from the pool). */
  databaseUrl: string;
  temporal: Client;
  taskQueue: string;
  /** How often queued deliveries are swept up without a notification (missed while disconnected). */
  sweepIntervalMs?: number;
  log?: (message: string) => void;
}

export interface WebhookDispatcher {
  stop(): Promise<void>;
}

const batch = 50;

/**
 * Starts a delivery workflow for each queued webhook delivery (the projection queues them in the same
 * statement that appends the event). It wakes on NOTIFY, so a delivery starts within milliseconds, and
 * sweeps every few seconds for anything queued while it was away. Rows are locked with SKIP LOCKED and
 * marked only once their workflow has started; workflow ids refuse duplicates, so any number of workers can
 * run it side by side and a crash never loses a delivery.
 */
export async function startWebhookDispatcher(options: WebhookDispatcherOptions): Promise<WebhookDispatcher> {
  const { dataSource, temporal, taskQueue } = options;
  const log = options.log ?? ((message: string) => console.error(message));
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let listener: PgClient | null = null;

  /** Starts a delivery's workflow; one started before (by this or another dispatcher) counts as started. */
  async function startDelivery(deliveryId: string): Promise<void> {
    const input: WebhookDeliveryInput = { deliveryId };
    try {
      await temporal.workflow.start(webhookDeliveryWorkflowType, {
        taskQueue,
        workflowId: webhookDeliveryWorkflowId(deliveryId),
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  /**
   * One batch: the queued rows are locked (SKIP LOCKED: other dispatchers take other rows), their workflows
   * started, and only then marked dispatched, in the same transaction. A crash anywhere before the commit
   * leaves the rows queued and unlocked, and the next sweep starts them again, which the workflow id makes
   * harmless; nothing is marked dispatched without a workflow. Returns how many rows it took.
   */
  async function dispatchBatch(): Promise<number> {
    const { taken, failure } = await dataSource.transaction(async (manager) => {
      const queued: Array<{ id: string }> = await manager.query(
        `SELECT id FROM webhook_deliveries WHERE dispatched_at IS NULL
          ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batch],
      );
      const results = await Promise.allSettled(queued.map((row) => startDelivery(row.id)));
      const started = queued.filter((_, i) => results[i]!.status === 'fulfilled').map((row) => row.id);
      const rejected = results.find((result) => result.status === 'rejected');
      if (started.length > 0)
        await manager.query('UPDATE webhook_deliveries SET dispatched_at = now() WHERE id = ANY($1)', [
          started,
        ]);
      return { taken: queued.length, failure: rejected?.reason as unknown };
    });
    // The rows that did start stay marked; the others wait for the next sweep.
    if (failure) throw failure instanceof Error ? failure : new Error('a delivery workflow did not start');
    return taken;
  }

  async function dispatchQueued(): Promise<void> {
    while ((await dispatchBatch()) === batch) {
      // a full batch: there may be more
    }
  }

  /** Runs one dispatch at a time; a wake-up during one runs another right after. */
  function wake(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await connectListener();
          await dispatchQueued();
        } catch (error) {
          log(`webhook dispatcher: ${(error as Error).message}; retrying on the next sweep`);
        }
      } while (again && !stopped);
      running = null;
    })();
  }

  async function connectListener(): Promise<void> {
    if (listener || stopped) return;
    const client = new PgClient({
      connectionString: options.databaseUrl,
      application_name: 'lockstep-dispatcher',
    });
    const drop = () => {
      if (listener === client) listener = null;
      void client.end().catch(() => undefined);
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', wake);
    await client.connect();
    await client.query(`LISTEN ${notifyChannels.deliveries}`);
    listener = client;
  }

  const sweep = setInterval(wake, options.sweepIntervalMs ?? 5000);
  wake();
  return {
    async stop() {
      stopped = true;
      clearInterval(sweep);
      await running;
      const client = listener;
      listener = null;
      await client?.end().catch(() => undefined);
    },
  };
}
