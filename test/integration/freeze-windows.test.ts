import { describe, expect } from 'vitest';
import { eventually, test, type Harness } from '../support/fixtures';
import {
  approval,
  command,
  createPipeline,
  ended,
  eventTypes,
  ms,
  stageOf,
  trigger,
  waitForRun,
  type RunView,
} from '../support/pipelines';
import { ok, releaseCatalog } from '../support/releases';

const createWindow = `mutation($i: FreezeWindowInput!) {
  createFreezeWindow(input: $i) { id name startsAt endsAt reason environment { id } createdBy { name } } }`;
const deleteWindow = `mutation($id: ID!) { deleteFreezeWindow(id: $id) }`;
const override = `mutation($runId: ID!, $reason: String!) { overrideFreeze(runId: $runId, reason: $reason) { id status } }`;
const holding = `query($id: ID!) { pipelineRun(id: $id) { freezeWindowsHolding { id name endsAt } } }`;
const listWindows = `query($e: ID, $at: DateTime) { freezeWindows(environmentId: $e, activeAt: $at) { id name } }`;

interface WindowView {
  id: string;
  name: string;
  startsAt: string;
  endsAt: string;
  reason: string | null;
  environment: { id: string } | null;
  createdBy: { name: string };
}

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

async function freeze(
  h: Harness,
  name: string,
  environmentId: string | null,
  endsInSeconds = 3600,
): Promise<WindowView> {
  const { createFreezeWindow } = await ok<{ createFreezeWindow: WindowView }>(h, createWindow, {
    i: { name, environmentId, startsAt: inSeconds(-60), endsAt: inSeconds(endsInSeconds), reason: 'test' },
  });
  return createFreezeWindow;
}

/** build (no environment) -> staging -> production. */
async function releasePipeline(
  h: Harness,
  name: string,
  first: Array<Record<string, unknown>> = [command('compile', 'true')],
) {
  const { stagingId, productionId } = await releaseCatalog(h, name);
  const pipeline = await createPipeline(h, {
    name,
    stages: [
      { name: 'build', actions: first },
      { name: 'staging', environmentId: stagingId, actions: [command('smoke', 'true')] },
      { name: 'production', environmentId: productionId, actions: [command('ship', 'echo shipped')] },
    ],
  });
  return { pipeline, stagingId, productionId };
}

const heldAt = (stage: string) => (r: RunView) =>
  stageOf(r, stage).status === 'BLOCKED' && r.status === 'WAITING';

async function events(h: Harness, runId: string, type: string) {
  return h.dataSource.query<Array<{ stage_name: string; message: string }>>(
    'SELECT stage_name, message FROM pipeline_events WHERE run_id = $1 AND type = $2 ORDER BY id',
    [runId, type],
  );
}

describe('freeze windows', () => {
  test('a run entering a frozen environment waits BLOCKED there (FREEZE_HELD names the window), and can be cancelled', async ({
    harness: h,
  }) => {
    const { pipeline, productionId } = await releasePipeline(h, 'held');
    const window = await freeze(h, 'Holiday freeze', productionId);
    expect(window).toMatchObject({ name: 'Holiday freeze', environment: { id: productionId } });
    expect(window.createdBy.name).toBe('test-admin');
    const run = await trigger(h, pipeline.id);
    const held = await waitForRun(h, run.id, heldAt('production'));
    expect(stageOf(held, 'staging').status).toBe('SUCCEEDED');
    expect(stageOf(held, 'production').actions[0]!.status).toBe('PENDING');
    expect(await events(h, run.id, 'FREEZE_HELD')).toEqual([
      { stage_name: 'production', message: `frozen by "Holiday freeze" until ${window.endsAt}` },
    ]);
    const { pipelineRun } = await ok<{ pipelineRun: { freezeWindowsHolding: unknown[] } }>(h, holding, {
      id: run.id,
    });
    expect(pipelineRun.freezeWindowsHolding).toEqual([
      { id: window.id, name: 'Holiday freeze', endsAt: window.endsAt },
    ]);

    await ok(h, `mutation($id: ID!) { cancelRun(runId: $id, reason: "not this week") { id } }`, {
      id: run.id,
    });
    const cancelled = await waitForRun(h, run.id, ended);
    expect(cancelled.status).toBe('CANCELLED');
    expect(stageOf(cancelled, 'production').status).toBe('CANCELLED');
    const after = await ok<{ pipelineRun: { freezeWindowsHolding: unknown[] } }>(h, holding, { id: run.id });
    expect(after.pipelineRun.freezeWindowsHolding).toEqual([]);
    await ok(h, deleteWindow, { id: window.id });
  });

  test('a held run goes on by itself when the window ends; another window covering it by then holds it on', async ({
    harness: h,
  }) => {
    const { pipeline, productionId } = await releasePipeline(h, 'ends');
    // Held first by a long window (however slow the machine), then by a short one once the long one goes.
    const long = await freeze(h, 'Long freeze', productionId);
    const run = await trigger(h, pipeline.id);
    await waitForRun(h, run.id, heldAt('production'));
    const short = await freeze(h, 'Short freeze', productionId, 8);
    await ok(h, deleteWindow, { id: long.id });
    await eventually(
      () => events(h, run.id, 'FREEZE_HELD'),
      (held) => held.length === 2,
    );
    const done = await waitForRun(h, run.id, ended, 30_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(ms(stageOf(done, 'production').startedAt)).toBeGreaterThanOrEqual(ms(short.endsAt) - 50);
    expect((await events(h, run.id, 'FREEZE_HELD')).map((e) => e.message)).toEqual([
      `frozen by "Long freeze" until ${long.endsAt}`,
      `frozen by "Short freeze" until ${short.endsAt}`,
    ]);
    expect(await events(h, run.id, 'FREEZE_OVERRIDDEN')).toEqual([]);
  });

  test('an ADMIN overrides the freeze for one run, with a reason: audited, FREEZE_OVERRIDDEN, the run goes on', async ({
    harness: h,
  }) => {
    const { pipeline, productionId } = await releasePipeline(h, 'override');
    const window = await freeze(h, 'Release freeze', productionId);
    const run = await trigger(h, pipeline.id);
    await waitForRun(h, run.id, heldAt('production'));

    const blank = await h.gql(override, { runId: run.id, reason: '  ' });
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const operator = await h.tokenFor('OPERATOR', 'freeze-operator');
    const denied = await h.gql(override, { runId: run.id, reason: 'let me' }, operator);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const { overrideFreeze } = await ok<{ overrideFreeze: { status: string } }>(h, override, {
      runId: run.id,
      reason: 'hotfix for INC-42',
    });
    expect(overrideFreeze.status).not.toBe('WAITING');
    const done = await waitForRun(h, run.id, ended);
    expect(done.status).toBe('SUCCEEDED');
    expect(await events(h, run.id, 'FREEZE_OVERRIDDEN')).toEqual([
      {
        stage_name: 'production',
        message: 'freeze "Release freeze" overridden by test-admin: hotfix for INC-42',
      },
    ]);
    const types = await eventTypes(h, run.id);
    expect(types.indexOf('FREEZE_OVERRIDDEN')).toBeGreaterThan(types.indexOf('FREEZE_HELD'));
    const audit = await h.dataSource.query<
      Array<{ principal_name: string; outcome: string; target: unknown }>
    >(`SELECT principal_name, outcome, target FROM audit_log WHERE operation = 'overrideFreeze' ORDER BY id`);
    expect(audit).toEqual([
      { principal_name: 'test-admin', outcome: 'FAILED', target: { runId: run.id } },
      { principal_name: 'freeze-operator', outcome: 'DENIED', target: { runId: run.id } },
      { principal_name: 'test-admin', outcome: 'ALLOWED', target: { runId: run.id } },
    ]);
    const [record] = await h.dataSource.query(
      'SELECT window_id, window_name, principal_name, reason FROM freeze_overrides WHERE run_id = $1',
      [run.id],
    );
    expect(record).toEqual({
      window_id: window.id,
      window_name: 'Release freeze',
      principal_name: 'test-admin',
      reason: 'hotfix for INC-42',
    });

    const again = await h.gql(override, { runId: run.id, reason: 'again' });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    // The window still holds every other run.
    const next = await trigger(h, pipeline.id);
    await waitForRun(h, next.id, heldAt('production'));
    await ok(h, deleteWindow, { id: window.id });
    expect((await waitForRun(h, next.id, ended)).status).toBe('SUCCEEDED');
  });

  test('a window for every PRODUCTION environment holds production stages, not STAGING ones; deleting it releases the run', async ({
    harness: h,
  }) => {
    const { pipeline, productionId, stagingId } = await releasePipeline(h, 'all-production');
    const window = await freeze(h, 'Year-end freeze', null);
    expect(window.environment).toBeNull();
    const listed = await ok<{ freezeWindows: Array<{ id: string }> }>(h, listWindows, {
      e: productionId,
      at: new Date().toISOString(),
    });
    expect(listed.freezeWindows.map((w) => w.id)).toContain(window.id);
    const staging = await ok<{ freezeWindows: Array<{ id: string }> }>(h, listWindows, { e: stagingId });
    expect(staging.freezeWindows.map((w) => w.id)).not.toContain(window.id);

    const run = await trigger(h, pipeline.id);
    const held = await waitForRun(h, run.id, heldAt('production'));
    expect(stageOf(held, 'staging').status).toBe('SUCCEEDED');
    expect((await events(h, run.id, 'FREEZE_HELD')).map((e) => e.stage_name)).toEqual(['production']);

    await ok(h, deleteWindow, { id: window.id });
    expect((await waitForRun(h, run.id, ended)).status).toBe('SUCCEEDED');
    const gone = await h.gql(deleteWindow, { id: window.id });
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  test('a window created while the run waits at an earlier approval gate applies when it arrives', async ({
    harness: h,
  }) => {
    const { pipeline, productionId } = await releasePipeline(h, 'late-window', [
      approval('go', { allowSelfApproval: true }),
    ]);
    const run = await trigger(h, pipeline.id);
    const waiting = await waitForRun(
      h,
      run.id,
      (r) => stageOf(r, 'build').actions[0]!.status === 'WAITING_FOR_APPROVAL',
    );
    const window = await freeze(h, 'Incident freeze', productionId);
    await ok(h, `mutation($id: ID!) { approveAction(actionRunId: $id) { id } }`, {
      id: stageOf(waiting, 'build').actions[0]!.id,
    });
    await waitForRun(h, run.id, heldAt('production'));
    expect((await events(h, run.id, 'FREEZE_HELD'))[0]!.message).toContain('"Incident freeze"');
    await ok(h, deleteWindow, { id: window.id });
    expect((await waitForRun(h, run.id, ended)).status).toBe('SUCCEEDED');
  });

  test('SUPERSEDED: a newer run replaces one held by a freeze, whether it came before or after the hold', async ({
    harness: h,
  }) => {
    const { productionId } = await releaseCatalog(h, 'superseded');
    const pipeline = await createPipeline(h, {
      name: 'superseded-freeze',
      executionMode: 'SUPERSEDED',
      stages: [
        { name: 'build', actions: [command('compile', 'sleep 2')] },
        { name: 'production', environmentId: productionId, actions: [command('ship', 'true')] },
      ],
    });
    const window = await freeze(h, 'Superseded freeze', productionId);
    const first = await trigger(h, pipeline.id);
    await waitForRun(h, first.id, (r) => stageOf(r, 'build').status === 'RUNNING');
    const second = await trigger(h, pipeline.id); // waits for the lane before the first is held
    const replaced = await waitForRun(h, first.id, ended);
    expect(replaced.status).toBe('SUPERSEDED');
    expect(stageOf(replaced, 'production').status).toBe('SKIPPED');
    await waitForRun(h, second.id, heldAt('production'));
    const third = await trigger(h, pipeline.id); // arrives while the second is held
    expect((await waitForRun(h, second.id, ended)).failureReason).toBe(`superseded by run ${third.id}`);
    await waitForRun(h, third.id, heldAt('production'));
    await ok(h, deleteWindow, { id: window.id });
    expect((await waitForRun(h, third.id, ended)).status).toBe('SUCCEEDED');
  });

  test('bad input is refused with codes and fields; only an ADMIN creates or deletes windows', async ({
    harness: h,
  }) => {
    const { productionId } = await releaseCatalog(h, 'bad-input');
    const valid = { name: 'ok', environmentId: productionId, startsAt: inSeconds(0), endsAt: inSeconds(60) };
    const refused = async (i: Record<string, unknown>, token?: string) =>
      (await h.gql(createWindow, { i }, token)).errors?.[0]?.extensions;
    expect(await refused({ ...valid, name: '  ' })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.name',
    });
    expect(await refused({ ...valid, endsAt: valid.startsAt })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.endsAt',
    });
    expect(await refused({ ...valid, endsAt: inSeconds(-3600) })).toMatchObject({ field: 'input.endsAt' });
    expect(await refused({ ...valid, environmentId: '00000000-0000-0000-0000-000000000000' })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.environmentId',
    });
    expect(await refused({ ...valid, environmentId: 'nope' })).toMatchObject({
      field: 'input.environmentId',
    });
    expect((await refused({ ...valid, startsAt: 'tomorrow' }))?.code).toBe('BAD_USER_INPUT');

    const operator = await h.tokenFor('OPERATOR', 'window-operator');
    expect((await refused(valid, operator))?.code).toBe('FORBIDDEN');
    const viewer = await h.tokenFor('VIEWER', 'window-viewer');
    const { createFreezeWindow: window } = await ok<{ createFreezeWindow: WindowView }>(h, createWindow, {
      i: valid,
    });
    const seen = await h.gql<{ freezeWindows: Array<{ id: string }> }>(
      listWindows,
      { e: productionId },
      viewer,
    );
    expect(seen.data?.freezeWindows.map((w) => w.id)).toEqual([window.id]);
    expect((await h.gql(deleteWindow, { id: window.id }, operator)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const unknownRun = await h.gql(override, { runId: '00000000-0000-0000-0000-000000000000', reason: 'x' });
    expect(unknownRun.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await ok(h, deleteWindow, { id: window.id });
  });
});
