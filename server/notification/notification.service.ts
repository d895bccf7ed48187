import type { DataSource } from 'typeorm';
import type { PipelineEventType } from '../../db/domain';
import { sealedColumns, type SecretBox } from '../../db/secret-box';
import { badInput, conflict, notFound } from '../errors';
import { deleteRow, rowExists } from '../graphql/references';
import { httpUrl, intInRange } from '../graphql/validate';
import type { WebhookSubscriptionInput } from './notification.types';

export interface SubscriptionRow {
  id: string;
  url: string;
  eventTypes: PipelineEventType[];
  pipelineId: string | null;
  format: string;
  createdAt: Date;
}

const columns = `id, url, event_types AS "eventTypes", pipeline_id AS "pipelineId", format, created_at AS "createdAt"`;
const formats = ['lockstep', 'slack'];

/** Outgoing webhook subscriptions and their deliveries. The shared secret is sealed and never shown. */
export class NotificationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox | null,
  ) {}

  async create(input: WebhookSubscriptionInput): Promise<SubscriptionRow> {
    const url = httpUrl('input.url', input.url);
    if (input.url.length > 2000) throw badInput('input.url', 'must be at most 2000 characters');
    if (input.secret.length < 16 || input.secret.length > 1000) {
      throw badInput('input.secret', 'must be from 16 to 1000 characters');
    }
    const format = input.format ?? 'lockstep';
    if (!formats.includes(format)) throw badInput('input.format', `must be one of ${formats.join(', ')}`);
    if (input.pipelineId && !(await rowExists(this.dataSource, 'pipelines', input.pipelineId)))
      throw badInput('input.pipelineId', 'no pipeline has this id');
    if (!this.box) throw conflict('webhook secrets cannot be stored: the server has no LOCKSTEP_SECRET_KEY');
    const [row]: SubscriptionRow[] = await this.dataSource.query(
      `INSERT INTO webhook_subscriptions
         (url, event_types, pipeline_id, format, secret_ciphertext, secret_iv, secret_auth_tag, key_fingerprint)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${columns}`,
      [
        url.toString(),
        [...new Set(input.eventTypes ?? [])],
        input.pipelineId ?? null,
        format,
        ...sealedColumns(this.box.seal(input.secret)),
      ],
    );
    return row!;
  }

  delete(id: string): Promise<boolean> {
    return deleteRow(this.dataSource, 'webhook_subscriptions', id, 'webhook subscription');
  }

  list(): Promise<SubscriptionRow[]> {
    return this.dataSource.query(`SELECT ${columns} FROM webhook_subscriptions ORDER BY created_at, id`);
  }

  /** The newest deliveries of a subscription first. */
  async deliveries(subscriptionId: string, first: number | null | undefined) {
    const limit = intInRange('first', first, 1, 100, 20);
    if (!(await rowExists(this.dataSource, 'webhook_subscriptions', subscriptionId)))
      throw notFound('webhook subscription', subscriptionId);
    return this.dataSource.query(
      `SELECT id, event_type AS "eventType", run_id AS "runId", attempts, response_status AS "responseStatus",
              delivered_at AS "deliveredAt", error
         FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [subscriptionId, limit],
    );
  }
}
