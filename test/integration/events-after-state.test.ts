import { afterAll, describe, expect } from 'vitest';
import { pipelineEventTypes } from '../../db/domain';
import { eventually, ok, test, type Harness } from '../support/fixtures';
import { runSeenFields, violations, type EventSeen, type RunSeen } from '../support/event-states';
import { approval, command, createPipeline, setTransition, trigger } from '../support/pipelines';
import { wsClient, type WsClient } from '../support/subscriptions';

/**
 * "An event is published only once the state it announces can be read" (docs/run-semantics.md, "Events and
 * state"): a client reads the run the moment each event arrives and must see what the event announces
 * (`eventStates`). The database is made slow (every status write to a stage or a run sleeps), so a state
 * written after its event, by a write of its own, would still be missing when the client reads.
 */

interface Observation {
  event: EventSeen;
  run: RunSeen;
  problems: string[];
}

const slowWrites = 0.4; // seconds each stage or run status write takes
const eventsSubscription = `subscription($p: ID, $after: ID) {
  pipelineEvents(pipelineId: $p, afterEventId: $after) { id type runId stageName actionName }
}`;
const runRead = `query($id: ID!) { pipelineRun(id: $id) { ${runSeenFields} } }`;

/** Every event type the tests checked, so the last test can tell which a run raised that nobody checked. */
const checked = new Set<string>();

/** Follows a pipeline's events and reads the event's run the moment each one arrives. */
function watch(h: Harness, ws: WsClient, pipelineId: string) {
  const observations: Observation[] = [];
  const errors: unknown[] = [];
  ws.client.subscribe<{ pipelineEvents: EventSeen }>(
    { query: eventsSubscription, variables: { p: pipelineId, after: '0' } },
    {
      next: (result) => {
        const event = result.data?.pipelineEvents;
        if (!event) return void errors.push(result.errors);
        void h.gql<{ pipelineRun: RunSeen }>(runRead, { id: event.runId }).then(
          ({ data, errors: failed }) => {
            if (failed || !data) return void errors.push(failed);
            observations.push({
              event,
              run: data.pipelineRun,
              problems: violations(event, data.pipelineRun),
            });
          },
          (error: unknown) => errors.push(error),
        );
      },
      error: (error) => void errors.push(error),
      complete: () => undefined,
    },
  );
  return {
    observations,
    errors,
    /** The observation of the first event of `type` (of `runId`), once its read is done. */
    seen: (type: string, runId?: string) =>
      eventually(
        async () => {
          if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
          return observations.find((o) => o.event.type === type && (!runId || o.event.runId === runId));
        },
        (o) => o !== undefined,
        60_000,
      ) as Promise<Observation>,
  };
}

/** Every event read as announced; the types are remembered for the coverage test. */
function expectAsAnnounced(observations: Observation[]) {
  for (const o of observations) checked.add(o.event.type);
  const wrong = observations
    .filter((o) => o.problems.length > 0)
    .map(
      ({ event: e, problems }) =>
        `${e.type} ${e.stageName ?? ''}/${e.actionName ?? ''}: ${problems.join('; ')}`,
    );
  expect(wrong).toEqual([]);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const approveAction = `mutation($id: ID!) { approveAction(actionRunId: $id, comment: "ok") { id } }`;
const rejectAction = `mutation($id: ID!) { rejectAction(actionRunId: $id, comment: "no") { id } }`;
const cancelRun = `mutation($id: ID!) { cancelRun(runId: $id, reason: "test") { id } }`;
const actionRunId = async (h: Harness, runId: string, name: string) => {
  const [row]: Array<{ id: string }> = await h.dataSource.query(
    'SELECT id FROM action_runs WHERE run_id = $1 AND name = $2',
    [runId, name],
  );
  return row!.id;
};

/** A slow database: every status write to a stage or a run takes a while (once per file's database). */
async function slowStatusWrites(h: Harness): Promise<void> {
  await h.dataSource.query(`
    CREATE OR REPLACE FUNCTION slow_status_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(${slowWrites}); RETURN NEW; END $$;
    DROP TRIGGER IF EXISTS slow_stage_status ON stage_runs;
    CREATE TRIGGER slow_stage_status BEFORE UPDATE OF status ON stage_runs
      FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION slow_status_write();
    DROP TRIGGER IF EXISTS slow_run_status ON pipeline_runs;
    CREATE TRIGGER slow_run_status BEFORE UPDATE OF status ON pipeline_runs
      FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION slow_status_write();`);
}

describe('a client that reads the run when an event arrives sees what the event announces', () => {
  let ws: WsClient | undefined;
  let approver: string | undefined;
  afterAll(() => ws?.dispose());

  /** Creates the pipeline, follows its events, and only then triggers it (every event arrives live). */
  async function start(h: Harness, input: Record<string, unknown>) {
    await slowStatusWrites(h);
    ws ??= wsClient(h.apiUrl, h.adminToken);
    const pipeline = await createPipeline(h, input);
    const events = watch(h, ws, pipeline.id);
    await pause(1000); // the subscription is in place before the first event
    approver ??= await h.tokenFor('APPROVER', 'alice');
    const token = approver;
    const asApprover: Harness = { ...h, gql: (query, variables) => h.gql(query, variables, token) };
    return { pipeline, events, asApprover, run: () => trigger(h, pipeline.id) };
  }

  test('a run that retries an action, waits for an approval and at a closed transition, and succeeds', async ({
    harness: h,
  }) => {
    const retried = { retryPolicy: { maximumAttempts: 2, initialIntervalMs: 100, backoffCoefficient: 1 } };
    const { pipeline, events, asApprover, run } = await start(h, {
      name: 'happy',
      stages: [
        { name: 'build', actions: [command('compile', 'test "$LOCKSTEP_ATTEMPT" -gt 1', 1, retried)] },
        { name: 'approve', actions: [approval('gate')] },
        { name: 'deploy', actions: [command('ship', 'true')] },
      ],
    });
    await setTransition(h, pipeline, 'deploy', false, 'freeze');
    const { id: runId } = await run();

    await events.seen('APPROVAL_REQUESTED');
    await ok(asApprover, approveAction, { id: await actionRunId(h, runId, 'gate') });
    await events.seen('TRANSITION_BLOCKED');
    await setTransition(h, pipeline, 'deploy', true);
    await events.seen('RUN_SUCCEEDED');
    expectAsAnnounced(events.observations);
  });

  test('a failed command and a rejected approval fail the run; cancelling it in its hold ends it', async ({
    harness: h,
  }) => {
    const { events, asApprover, run } = await start(h, {
      name: 'failing',
      stages: [{ name: 'check', actions: [command('unit', 'exit 3'), approval('gate')] }],
    });
    const { id: runId } = await run();
    await events.seen('APPROVAL_REQUESTED');
    await events.seen('ACTION_FAILED');
    await ok(asApprover, rejectAction, { id: await actionRunId(h, runId, 'gate') });
    await events.seen('RUN_FAILED');
    await ok(h, cancelRun, { id: runId });
    await events.seen('RUN_CANCELLED');
    expectAsAnnounced(events.observations);
  });

  test('an approver skips the failed action of a held run, which goes on', async ({ harness: h }) => {
    const { events, asApprover, run } = await start(h, {
      name: 'skipping',
      stages: [
        { name: 'check', actions: [command('flaky', 'exit 1')] },
        { name: 'deploy', actions: [command('ship', 'true')] },
      ],
    });
    const { id: runId } = await run();
    await events.seen('RUN_FAILED');
    await ok(asApprover, `mutation($id: ID!) { skipFailedActions(runId: $id, reason: "flaky") { id } }`, {
      id: runId,
    });
    await events.seen('ACTION_SKIPPED');
    await events.seen('RUN_RESUMED');
    await events.seen('RUN_SUCCEEDED');
    expectAsAnnounced(events.observations);
  });

  test("a gate's timeout decides: the gate ends TIMED_OUT and the run fails", async ({ harness: h }) => {
    const { events, run } = await start(h, {
      name: 'timing-out',
      stages: [{ name: 'approve', actions: [approval('gate', { timeoutSeconds: 2 })] }],
    });
    const { id: runId } = await run();
    await events.seen('APPROVAL_TIMED_OUT');
    await events.seen('RUN_FAILED');
    await ok(h, cancelRun, { id: runId });
    await events.seen('RUN_CANCELLED');
    expectAsAnnounced(events.observations);
  });

  test('a newer run supersedes one waiting at its gate; a cancel ends the newer one', async ({
    harness: h,
  }) => {
    const { events, run } = await start(h, {
      name: 'superseded',
      executionMode: 'SUPERSEDED',
      stages: [{ name: 'production', actions: [approval('gate')] }],
    });
    const older = await run();
    await events.seen('APPROVAL_REQUESTED', older.id);
    const newer = await run();
    await events.seen('RUN_SUPERSEDED', older.id);
    await events.seen('APPROVAL_REQUESTED', newer.id);
    await ok(h, cancelRun, { id: newer.id });
    await events.seen('RUN_CANCELLED', newer.id);
    expectAsAnnounced(events.observations);
    expect(events.observations.map((o) => o.event.type)).toContain('APPROVAL_EXPIRED');
  });

  test("a Deployment's plan waits for approval and is approved", async ({ harness: h }) => {
    const { createService: service } = await ok<{ createService: { id: string } }>(
      h,
      `mutation($i: ServiceInput!) { createService(input: $i) { id } }`,
      { i: { name: 'checkout', team: 'payments' } },
    );
    const { createEnvironment: environment } = await ok<{ createEnvironment: { id: string } }>(
      h,
      `mutation($i: EnvironmentInput!) { createEnvironment(input: $i) { id } }`,
      { i: { name: 'production', tier: 'PRODUCTION' } },
    );
    const { createDeployment: deployment } = await ok<{ createDeployment: { id: string } }>(
      h,
      `mutation($i: DeploymentInput!) { createDeployment(input: $i) { id } }`,
      {
        i: {
          name: 'checkout-prod',
          serviceId: service.id,
          environmentId: environment.id,
          planCommand: 'true',
          applyCommand: 'true',
          requirePlanApproval: true,
        },
      },
    );
    const { events, asApprover, run } = await start(h, {
      name: 'deploying',
      serviceId: service.id,
      stages: [
        {
          name: 'production',
          actions: [
            { name: 'deploy', kind: 'DEPLOYMENT', runOrder: 1, config: { deploymentId: deployment.id } },
          ],
        },
      ],
    });
    await run();
    const requested = await events.seen('APPROVAL_REQUESTED');
    const deploymentRunId = requested.run.stages[0]!.actions[0]!.deploymentRun!.id;
    await ok(
      asApprover,
      `mutation($id: ID!) { approveDeploymentPlan(deploymentRunId: $id, comment: "plan ok") { id } }`,
      { id: deploymentRunId },
    );
    await events.seen('APPROVAL_GRANTED');
    await events.seen('RUN_SUCCEEDED');
    expectAsAnnounced(events.observations);
  });

  test('a freeze window holds a run at its environment; an ADMIN overrides it', async ({ harness: h }) => {
    const { createEnvironment: environment } = await ok<{ createEnvironment: { id: string } }>(
      h,
      `mutation($i: EnvironmentInput!) { createEnvironment(input: $i) { id } }`,
      { i: { name: 'frozen-production', tier: 'PRODUCTION' } },
    );
    const { events, run } = await start(h, {
      name: 'frozen',
      stages: [{ name: 'production', environmentId: environment.id, actions: [command('ship', 'true')] }],
    });
    const hour = 3600_000;
    await ok(h, `mutation($i: FreezeWindowInput!) { createFreezeWindow(input: $i) { id } }`, {
      i: {
        name: 'Release freeze',
        environmentId: environment.id,
        startsAt: new Date(Date.now() - hour).toISOString(),
        endsAt: new Date(Date.now() + hour).toISOString(),
      },
    });
    const { id: runId } = await run();
    await events.seen('FREEZE_HELD');
    await ok(h, `mutation($id: ID!) { overrideFreeze(runId: $id, reason: "hotfix") { id } }`, { id: runId });
    await events.seen('FREEZE_OVERRIDDEN');
    await events.seen('RUN_SUCCEEDED');
    expectAsAnnounced(events.observations);
  });

  test('every event type a run can raise was checked', () => {
    expect(pipelineEventTypes.filter((type) => !checked.has(type))).toEqual([]);
  });
});
