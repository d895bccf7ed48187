import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { SecretBox } from '../../db/secret-box';
import { test } from '../support/cluster';
import { eventually } from '../support/fixtures';
import { freePort } from '../support/processes';
import { command, createPipeline, trigger, waitForRun } from '../support/pipelines';
import { sample, scrape, startOtlpReceiver } from '../support/telemetry';

/**
 * The API and the worker as separate processes (support/cluster.ts), with metrics, an OTLP endpoint and
 * JSON logs configured: one run moves the named series on both /metrics, leaves one trace from the
 * GraphQL mutation down to the command's activity, and log lines that carry its ids but never its secret.
 */
test('metrics, traces and JSON logs of one run, from the API and the worker', async ({ startCluster }) => {
  const otlp = await startOtlpReceiver();
  const workerPort = await freePort();
  const metricsToken = randomBytes(18).toString('base64url');
  try {
    const cluster = await startCluster({
      postgres: 'shared',
      env: {
        LOCKSTEP_WORKER_METRICS_PORT: String(workerPort),
        LOCKSTEP_METRICS_TOKEN: metricsToken,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'debug',
        LOCKSTEP_SECRET_KEY: SecretBox.generateKey(),
      },
    });
    const apiMetrics = cluster.apiUrl.replace(/\/graphql$/, '/metrics');
    const workerMetrics = `http://127.0.0.1:${workerPort}/metrics`;

    // The token is required on both, and a wrong one gets nothing.
    expect((await scrape(apiMetrics)).status).toBe(401);
    expect((await scrape(workerMetrics, 'not-the-token')).status).toBe(401);
    const apiBefore = (await scrape(apiMetrics, metricsToken)).text;
    const workerBefore = (await scrape(workerMetrics, metricsToken)).text;

    const canary = `canary-${randomBytes(6).toString('hex')}`;
    const secret = await cluster.gql(`mutation($i: SecretInput!) { setSecret(input: $i) { id } }`, {
      i: { name: 'CANARY', value: canary },
    });
    expect(secret.errors).toBeUndefined();
    const pipeline = await createPipeline(cluster, {
      name: 'observed',
      stages: [
        { name: 'build', actions: [command('compile', 'echo compiled')] },
        {
          name: 'leak',
          actions: [
            command('fail-with-it', 'echo "bad token $CANARY" >&2; exit 1', 1, {
              retryPolicy: { maximumAttempts: 1 },
            }),
          ],
        },
      ],
    });
    const run = await trigger(cluster, pipeline.id);
    const done = await waitForRun(cluster, run.id, (r) => r.status === 'FAILED', 60_000);
    const compile = done.stages[0]!.actions[0]!;

    // Metrics: counters and histogram counts moved on both processes.
    const apiAfter = (await scrape(apiMetrics, metricsToken)).text;
    const trigger_ = { type: 'mutation', operation: 'triggerPipeline', outcome: 'ok' };
    expect(sample(apiAfter, 'lockstep_graphql_operation_duration_seconds_count', trigger_)).toBe(
      sample(apiBefore, 'lockstep_graphql_operation_duration_seconds_count', trigger_) + 1,
    );
    expect(sample(apiAfter, 'lockstep_notifications_received_total', { topic: 'events' })).toBeGreaterThan(0);
    const workerAfter = await eventually(
      async () => (await scrape(workerMetrics, metricsToken)).text,
      (text) => sample(text, 'lockstep_runs_finished_total', { status: 'FAILED' }) >= 1,
    );
    expect(sample(workerBefore, 'lockstep_runs_started_total')).toBe(0);
    expect(sample(workerAfter, 'lockstep_runs_started_total')).toBe(1);
    expect(sample(workerAfter, 'lockstep_run_queue_wait_seconds_count')).toBe(1);
    const succeeded = { kind: 'COMMAND', status: 'SUCCEEDED' };
    expect(sample(workerAfter, 'lockstep_actions_finished_total', succeeded)).toBe(1);
    expect(sample(workerAfter, 'lockstep_action_duration_seconds_count', succeeded)).toBe(1);
    expect(
      sample(workerAfter, 'lockstep_action_duration_seconds_count', { kind: 'COMMAND', status: 'FAILED' }),
    ).toBe(1);
    expect(sample(workerAfter, 'lockstep_runs_active', { status: 'RUNNING' })).toBe(0);
    // The Temporal SDK's own series, relayed on the same endpoint.
    expect(workerAfter).toMatch(/^temporal_\w+/m);
    expect(sample(workerAfter, 'temporal_activity_execution_latency_count')).toBeGreaterThan(0);

    // Traces: the mutation's span and the command's activity span share one trace, sent by both processes.
    const spans = await eventually(
      async () => [...otlp.spans],
      (all) => all.some((s) => s.service === 'lockstep-worker' && s.name === 'RunActivity:runCommand'),
      20_000,
    );
    const mutation = spans.find(
      (s) => s.service === 'lockstep-api' && s.name === 'graphql mutation triggerPipeline',
    );
    expect(mutation, JSON.stringify(spans.map((s) => [s.service, s.name]))).toBeDefined();
    const inTrace = spans.filter((s) => s.traceId === mutation!.traceId);
    const names = inTrace.map((s) => `${s.service} ${s.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'lockstep-api StartWorkflow:pipelineRunWorkflow',
        // The workflow's own span (RunWorkflow) ends with the workflow: this one holds for a retry.
        'lockstep-worker StartActivity:runCommand',
        'lockstep-worker RunActivity:runCommand',
      ]),
    );

    // Logs: JSON lines; the activity lines carry the run, stage and action; the secret is nowhere.
    await cluster.api.stop(); // flushes what is buffered
    const lines = cluster
      .output()
      .split('\n')
      .map((line) => /^\s*\S+s \[(api|worker)#\d+\] (\{.*\})$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => JSON.parse(match[2]!) as Record<string, unknown>);
    expect(lines.some((line) => line.component === 'api')).toBe(true);
    const activityLine = lines.find(
      (line) =>
        line.component === 'worker' &&
        line.actionRunId === compile.id &&
        line.activityType === 'runCommand' &&
        line.msg === 'Activity completed',
    );
    expect(activityLine, JSON.stringify(lines.slice(-20))).toMatchObject({
      runId: run.id,
      stageName: 'build',
      actionName: 'compile',
      level: 'debug',
    });
    expect(lines.some((line) => line.runId === run.id && line.msg === 'Activity failed')).toBe(true);
    expect(cluster.output()).not.toContain(canary);
  } finally {
    await otlp.close();
  }
}, 300_000); // a cluster of its own: Temporal, worker and API processes start on a shared, busy machine
