import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { approvalSummaryOfEvent } from '../../db/releases/approval-request';
import type { SecretBox } from '../../db/secret-box';
import { openSealedRow } from '../../db/secret-store';
import { webhookSignature } from '../../db/webhook-signature';
import type { WebhookDeliveryInput } from '../definitions';
import { readBodyUpTo } from './bounded-body';
import { slackMessage } from './slack-message';
import { retryTransient } from './transient';
import type { WorkerMetrics } from '../metrics/worker-metrics';

export interface WebhookActivityDeps {
  dataSource: DataSource;
  secretBox: SecretBox | null;
  /** The dashboard's base URL: run links point there. */
  publicUrl: string;
  metrics: WorkerMetrics;
}

/** How long one delivery attempt may take before it counts as failed. */
const requestTimeoutMs = 10_000;
/** The receiver's answer is read (so the connection can be reused) up to this much, never used. */
const responseLimitBytes = 64 * 1024;

interface DeliveryRow {
  id: string;
  attempts: number;
  url: string;
  format: 'lockstep' | 'slack';
  secret_ciphertext: Buffer;
  secret_iv: Buffer;
  secret_auth_tag: Buffer;
  key_fingerprint: string;
  event_id: string;
  type: string;
  stage_name: string | null;
  action_name: string | null;
  message: string | null;
  at: Date;
  run_id: string;
  run_number: number;
  run_status: string;
  pipeline_id: string;
  pipeline_name: string;
}

export interface LockstepWebhookBody {
  deliveryId: string;
  event: {
    id: string;
    type: string;
    pipelineId: string;
    runId: string;
    stageName: string | null;
    actionName: string | null;
    message: string | null;
    at: string;
  };
  run: { id: string; number: number; status: string; url: string };
  pipeline: { id: string; name: string };
  /** APPROVAL_REQUESTED: what is being approved, in one line ("3 new commits; app 1.4.1 -> 1.4.2"). */
  approval?: { summary: string };
}

/** The body of a delivery in its subscription's format; `approval` summarises an approval request. */
export function deliveryBody(row: DeliveryRow, publicUrl: string, approval: string | null = null): string {
  const url = `${publicUrl}/runs/${row.run_id}`;
  if (row.format === 'slack') {
    return slackMessage({
      pipelineName: row.pipeline_name,
      runNumber: row.run_number,
      type: row.type,
      stageName: row.stage_name,
      actionName: row.action_name,
      message: row.message,
      approval,
      url,
    });
  }
  const body: LockstepWebhookBody = {
    deliveryId: row.id,
    event: {
      id: row.event_id,
      type: row.type,
      pipelineId: row.pipeline_id,
      runId: row.run_id,
      stageName: row.stage_name,
      actionName: row.action_name,
      message: row.message,
      at: row.at.toISOString(),
    },
    run: { id: row.run_id, number: row.run_number, status: row.run_status, url },
    pipeline: { id: row.pipeline_id, name: row.pipeline_name },
    ...(approval ? { approval: { summary: approval } } : {}),
  };
  return JSON.stringify(body);
}

export function createWebhookActivities({ dataSource, secretBox, publicUrl, metrics }: WebhookActivityDeps) {
  /**
   * One attempt at one delivery: a signed POST. 2xx delivers; a network error, a timeout or a 5xx is
   * retried by Temporal with backoff; another 4xx (the receiver refuses it) is final. Each attempt is
   * recorded on the delivery.
   */
  async function deliverWebhook(input: WebhookDeliveryInput): Promise<{ status: number }> {
    const ctx = Context.current();
    const [row]: DeliveryRow[] = await retryTransient(() =>
      dataSource.query(
        `SELECT d.id, d.attempts, s.url, s.format, s.secret_ciphertext, s.secret_iv, s.secret_auth_tag, s.key_fingerprint,
                e.id::text AS event_id, e.type, e.stage_name, e.action_name, e.message, e.at,
                r.id AS run_id, r.number AS run_number, r.status AS run_status, p.id AS pipeline_id, p.name AS pipeline_name
           FROM webhook_deliveries d
           JOIN webhook_subscriptions s ON s.id = d.subscription_id
           JOIN pipeline_events e ON e.id = d.event_id
           JOIN pipeline_runs r ON r.id = e.run_id
           JOIN pipelines p ON p.id = r.pipeline_id
          WHERE d.id = $1`,
        [input.deliveryId],
      ),
    );
    if (!row) return { status: 0 }; // the subscription (or the run) was deleted: nothing to deliver
    const approval =
      row.type === 'APPROVAL_REQUESTED'
        ? await retryTransient(() =>
            approvalSummaryOfEvent(dataSource, {
              runId: row.run_id,
              stageName: row.stage_name,
              actionName: row.action_name,
            }),
          )
        : null;
    const body = deliveryBody(row, publicUrl, approval);
    const secret = openSealedRow(secretBox, {
      ciphertext: row.secret_ciphertext,
      iv: row.secret_iv,
      auth_tag: row.secret_auth_tag,
      key_fingerprint: row.key_fingerprint,
    });
    const record = (status: number | null, error: string | null, delivered: boolean) =>
      retryTransient(() =>
        dataSource.query(
          `UPDATE webhook_deliveries
              SET attempts = GREATEST(attempts, $2), response_status = $3, error = $4,
                  delivered_at = CASE WHEN $5 THEN now() ELSE delivered_at END
            WHERE id = $1`,
          [row.id, ctx.info.attempt, status, error, delivered],
        ),
      );

    let response: Response;
    try {
      response = await fetch(row.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Lockstep-Webhooks/1',
          'x-lockstep-delivery': row.id,
          'x-lockstep-event': row.type,
          'x-lockstep-signature': webhookSignature(secret, Math.floor(Date.now() / 1000), body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.any([ctx.cancellationSignal, AbortSignal.timeout(requestTimeoutMs)]),
      });
      await readBodyUpTo(response, responseLimitBytes);
    } catch (error) {
      const message = `request failed: ${(error as Error).message}`;
      await record(null, message, false);
      metrics.webhookDeliveries.inc({ outcome: 'unreachable' });
      throw ApplicationFailure.retryable(message, 'WebhookUnreachable');
    }
    metrics.webhookDeliveries.inc({ outcome: response.ok ? 'delivered' : 'refused' });
    if (response.ok) {
      await record(response.status, null, true);
      return { status: response.status };
    }
    const message = `receiver answered ${response.status}`;
    await record(response.status, message, false);
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw retryable
      ? ApplicationFailure.retryable(message, 'WebhookStatus')
      : ApplicationFailure.nonRetryable(message, 'WebhookRefused');
  }

  return { deliverWebhook };
}
