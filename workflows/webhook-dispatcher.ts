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
 * sweeps every few seconds for anything queued while it was away. Rows are claimed with SKIP LOCKED and
 * workflow ids refuse duplicates, so any number of workers can run it side by side.
 */
export async function startWebhookDispatcher(options: WebhookDispatcherOptions): Promise<WebhookDispatcher> {
  const { dataSource, temporal, taskQueue } = options;
  const log = options.log ?? ((message: string) => console.error(message));
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let listener: PgClient | null = null;

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
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      await dataSource.query('UPDATE webhook_deliveries SET dispatched_at = NULL WHERE id = $1', [
        deliveryId,
      ]);
      throw error;
    }
  }

  async function dispatchQueued(): Promise<void> {
    for (;;) {
      const [claimed]: [Array<{ id: string }>, number] = await dataSource.query(
        `UPDATE webhook_deliveries SET dispatched_at = now()
          WHERE id IN (SELECT id FROM webhook_deliveries WHERE dispatched_at IS NULL
                        ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING id`,
        [batch],
      );
      await Promise.all(claimed.map((row) => startDelivery(row.id)));
      if (claimed.length < batch) return;
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
