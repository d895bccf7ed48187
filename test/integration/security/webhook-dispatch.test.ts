import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createDataSource, migrate } from '../../../db/data-source';
import { webhookDeliveryWorkflowId } from '../../../workflows/definitions';
import { appendEvent } from '../../../workflows/activities/projection.activity';
import { startWebhookDispatcher } from '../../../workflows/webhook-dispatcher';
import { createTestDatabase, eventually } from '../../support/fixtures';

// A queued webhook delivery is an outbox row; the worker's dispatcher turns it into a delivery workflow.
// Whatever moment the worker dies at, the delivery must still be made.

describe('outgoing webhook dispatch', () => {
  it('a worker that dies after taking a queued delivery and before starting its workflow loses nothing', async () => {
    const database = await createTestDatabase();
    const dataSource = createDataSource({ url: database.url, poolSize: 3, applicationName: 'survivor' });
    await dataSource.initialize();
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    const temporal = new Client({ connection });
    const taskQueue = `dispatch-${randomBytes(6).toString('hex')}`; // nobody polls it: starting is enough
    const stops: Array<() => Promise<unknown>> = [];
    try {
      await migrate(dataSource);
      const [principal]: Array<{ id: string }> = await dataSource.query(
        `INSERT INTO principals (name, role) VALUES ('tester', 'ADMIN') RETURNING id`,
      );
      const [pipeline]: Array<{ id: string }> = await dataSource.query(
        `INSERT INTO pipelines (name) VALUES ('notified') RETURNING id`,
      );
      const [run]: Array<{ id: string }> = await dataSource.query(
        `INSERT INTO pipeline_runs (pipeline_id, number, status, definition, revision_sha, revision_committed_at,
                                    triggered_by_id, temporal_workflow_id)
         VALUES ($1, 1, 'SUCCEEDED', '{"stages": []}', 'abc1234', now(), $2, 'pipeline-run-none') RETURNING id`,
        [pipeline!.id, principal!.id],
      );
      await dataSource.query(
        `INSERT INTO webhook_subscriptions (url, format, secret_ciphertext, secret_iv, secret_auth_tag, key_fingerprint)
         VALUES ('http://127.0.0.1:9/hook', 'lockstep', '\\x00', '\\x00', '\\x00', 'none')`,
      );
      await appendEvent(
        dataSource.manager,
        { runId: run!.id, pipelineId: pipeline!.id },
        {
          key: 'e1',
          type: 'RUN_SUCCEEDED',
          stageName: null,
          actionName: null,
          message: null,
          at: new Date().toISOString(),
        },
      );
      const [delivery]: Array<{ id: string }> = await dataSource.query('SELECT id FROM webhook_deliveries');

      // The doomed worker: it takes the delivery, and dies as it is about to start the workflow. Nothing it
      // would have done afterwards happens; its connections drop, as the server sees a dead process's.
      const doomed = createDataSource({ url: database.url, poolSize: 2, applicationName: 'doomed' });
      await doomed.initialize();
      let died!: () => void;
      const death = new Promise<void>((resolve) => (died = resolve));
      const dying = {
        workflow: {
          start: () => {
            died();
            return new Promise(() => undefined); // never returns: the process is gone
          },
        },
      } as unknown as Client;
      const doomedDispatcher = await startWebhookDispatcher({
        dataSource: doomed,
        databaseUrl: database.url,
        temporal: dying,
        taskQueue,
        sweepIntervalMs: 60_000,
        log: () => undefined,
      });
      await death;
      void doomedDispatcher.stop(); // stops its timer; it never gets further than the crash point
      await dataSource.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND application_name <> 'survivor'`,
      );

      // Another worker comes up: the delivery's workflow is started, and only then is it marked dispatched.
      const survivor = await startWebhookDispatcher({
        dataSource,
        databaseUrl: database.url,
        temporal,
        taskQueue,
        sweepIntervalMs: 200,
        log: () => undefined,
      });
      stops.push(() => survivor.stop());
      const handle = temporal.workflow.getHandle(webhookDeliveryWorkflowId(delivery!.id));
      stops.push(() => handle.terminate('test over').catch(() => undefined));
      const described = await eventually(
        () =>
          handle.describe().then(
            (d) => d.status.name,
            () => 'NOT FOUND',
          ),
        (status) => status !== 'NOT FOUND',
        15_000,
      );
      expect(described).toBe('RUNNING');
      const [row]: Array<{ dispatched: boolean }> = await dataSource.query(
        'SELECT dispatched_at IS NOT NULL AS dispatched FROM webhook_deliveries WHERE id = $1',
        [delivery!.id],
      );
      expect(row).toEqual({ dispatched: true });
    } finally {
      for (const stop of stops.reverse()) await stop();
      await connection.close();
      await dataSource.destroy();
      await database.drop();
    }
  });
});
