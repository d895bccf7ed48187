import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from './activities';
import { webhookRetry, type WebhookDeliveryInput } from './definitions';

const { deliverWebhook } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: webhookRetry,
});

/**
 * Delivers one event to one webhook subscription, retrying with backoff. It runs on its own, apart from the
 * pipeline run whose event it carries: a receiver that is down never slows or fails a run.
 */
export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<void> {
  try {
    await deliverWebhook(input);
  } catch {
    // Every attempt is recorded on the delivery; after the last one it simply stays undelivered.
  }
}
