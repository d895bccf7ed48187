/** A webhook delivery's workflow. */
export const webhookDeliveryWorkflowType = 'webhookDeliveryWorkflow';

/** Business id of a delivery's workflow: starting it twice is refused, so each delivery runs once. */
export function webhookDeliveryWorkflowId(deliveryId: string): string {
  return `webhook-delivery-${deliveryId}`;
}

export interface WebhookDeliveryInput {
  deliveryId: string;
}

/** Retries of a webhook delivery: about a minute of backoff, then it is recorded as failed. */
export const webhookRetry = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 8,
} as const;
