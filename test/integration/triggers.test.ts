import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { scheduleTemporalId } from '../../workflows/definitions';
import { eventually, test, type Harness } from '../support/fixtures';
import { push, pushCommit as commit, pushEvent, runsOf, sourcedPipeline } from '../support/github-push';
import { ended, getRun, trigger, waitForRun } from '../support/pipelines';

describe('push triggers (GitHub push at POST /webhooks/events)', () => {
  test('a push to the source branch triggers the pipeline with the head commit and the pushed commits', async ({
    harness: h,
  }) => {
    const pipeline = await sourcedPipeline(h, 'Acme/Shop');
    const other = await sourcedPipeline(h, 'acme/shop', 'develop');
    const source = await h.gql<{ pipeline: { source: { repository: string; branch: string } } }>(
      `query($id: ID!) { pipeline(id: $id) { source { repository branch } } }`,
      { id: pipeline.id },
    );
    expect(source.data!.pipeline.source).toEqual({ repository: 'Acme/Shop', branch: 'main' });

    const commits = [
      commit('aaaa1111', '2026-11-20T08:00:00Z', 'first'),
      commit('bbbb2222', '2026-11-20T09:30:00+01:00', 'second'),
    ];
    const answer = await push(h, pushEvent('acme/shop', 'refs/heads/main', commits));
    expect(answer.status).toBe(200);
    expect(answer.body.triggered).toHaveLength(1);
    const runId = (answer.body.triggered as string[])[0]!;
    const run = await waitForRun(h, runId, ended);
    expect(run).toMatchObject({ status: 'SUCCEEDED', triggeredBy: { name: 'GitHub push' } });
    const [row] = await h.dataSource.query<
      Array<{ sha: string; commits: Array<{ sha: string; committedAt: string }> }>
    >(`SELECT revision_sha AS sha, commits FROM pipeline_runs WHERE id = $1`, [runId]);
    expect(row!.sha).toBe('bbbb2222');
    expect(row!.commits.map((c) => [c.sha, c.committedAt])).toEqual([
      ['aaaa1111', '2026-11-20T08:00:00.000Z'],
      ['bbbb2222', '2026-11-20T08:30:00.000Z'],
    ]);
    expect(await runsOf(h, other.id)).toEqual([]);
  });

  test('another branch, a tag, a deleted branch and a duplicate delivery trigger nothing, and say why', async ({
    harness: h,
  }) => {
    const pipeline = await sourcedPipeline(h, 'acme/quiet');
    const feature = await push(h, pushEvent('acme/quiet', 'refs/heads/feature'));
    expect(feature).toMatchObject({
      status: 200,
      body: { ignored: 'no pipeline follows acme/quiet branch feature' },
    });
    const tag = await push(h, pushEvent('acme/quiet', 'refs/tags/v1.0.0'));
    expect(tag).toMatchObject({ status: 200, body: { ignored: 'refs/tags/v1.0.0 is not a branch' } });
    const deleted = await push(h, {
      ...pushEvent('acme/quiet', 'refs/heads/main', []),
      deleted: true,
      head_commit: null,
    });
    expect(deleted).toMatchObject({ status: 200, body: { ignored: 'branch main was deleted' } });
    expect(await runsOf(h, pipeline.id)).toEqual([]);

    const delivery = randomUUID();
    const first = await push(h, pushEvent('acme/quiet', 'refs/heads/main'), delivery);
    expect(first.body.triggered).toHaveLength(1);
    const again = await push(h, pushEvent('acme/quiet', 'refs/heads/main'), delivery);
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(await runsOf(h, pipeline.id)).toHaveLength(1);
  });
});

const scheduleFields = `id cron timeZone paused nextRunAt temporalScheduleId pipeline { id } lastRun { id revision { sha } }`;
interface ScheduleView {
  id: string;
  cron: string;
  timeZone: string;
  paused: boolean;
  nextRunAt: string | null;
  temporalScheduleId: string;
  pipeline: { id: string };
  lastRun: { id: string; revision: { sha: string } } | null;
}

async function createSchedule(h: Harness, pipelineId: string): Promise<ScheduleView> {
  const res = await h.gql<{ createSchedule: ScheduleView }>(
    `mutation($p: ID!) { createSchedule(pipelineId: $p, cron: "0 3 * * 1-5", timeZone: "Europe/Paris") { ${scheduleFields} } }`,
    { p: pipelineId },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.createSchedule;
}

const ticksOf = (h: Harness, scheduleId: string) =>
  h.dataSource.query<Array<{ outcome: string; runId: string | null; message: string | null }>>(
    `SELECT outcome, run_id AS "runId", message FROM schedule_ticks WHERE schedule_id = $1 ORDER BY at`,
    [scheduleId],
  );

const schedulesOf = async (h: Harness, pipelineId: string) =>
  (
    await h.gql<{ schedules: ScheduleView[] }>(
      `query($p: ID) { schedules(pipelineId: $p) { ${scheduleFields} } }`,
      {
        p: pipelineId,
      },
    )
  ).data!.schedules;

describe('schedules (Temporal Schedules)', () => {
  test('a tick deploys the last push to the source branch; pause stops it; delete removes it from Temporal', async ({
    harness: h,
  }) => {
    const pipeline = await sourcedPipeline(h, 'acme/nightly');
    const schedule = await createSchedule(h, pipeline.id);
    expect(schedule).toMatchObject({
      cron: '0 3 * * 1-5',
      timeZone: 'Europe/Paris',
      paused: false,
      lastRun: null,
    });
    expect(schedule.nextRunAt).not.toBeNull();
    const handle = h.temporal.schedule.getHandle(scheduleTemporalId(schedule.id));
    expect(schedule.temporalScheduleId).toBe(handle.scheduleId);

    // Nothing pushed and no run yet: the tick records that there was nothing to deploy.
    await handle.trigger();
    const nothing = await eventually(
      () => ticksOf(h, schedule.id),
      (ticks) => ticks.length === 1,
    );
    expect(nothing[0]).toMatchObject({ outcome: 'NOTHING_TO_DEPLOY', runId: null });

    // A push to another pipeline's... no: to this pipeline's branch (it also triggers it directly).
    const pushed = await push(
      h,
      pushEvent('acme/nightly', 'refs/heads/main', [commit('feed5678', '2026-11-21T10:00:00Z', 'nightly')]),
    );
    await waitForRun(h, (pushed.body.triggered as string[])[0]!, ended);
    await handle.trigger();
    const ticks = await eventually(
      () => ticksOf(h, schedule.id),
      (t) => t.length === 2,
    );
    const scheduled = await waitForRun(h, ticks[1]!.runId!, ended);
    expect(scheduled).toMatchObject({ status: 'SUCCEEDED', triggeredBy: { name: 'schedule' } });
    expect((await schedulesOf(h, pipeline.id))[0]!.lastRun).toEqual({
      id: scheduled.id,
      revision: { sha: 'feed5678' },
    });

    const paused = await h.gql<{ pauseSchedule: ScheduleView }>(
      `mutation($id: ID!) { pauseSchedule(id: $id, paused: true) { ${scheduleFields} } }`,
      { id: schedule.id },
    );
    expect(paused.data!.pauseSchedule).toMatchObject({ paused: true, nextRunAt: null });
    expect((await handle.describe()).state.paused).toBe(true);

    const deleted = await h.gql<{ deleteSchedule: boolean }>(
      `mutation($id: ID!) { deleteSchedule(id: $id) }`,
      {
        id: schedule.id,
      },
    );
    expect(deleted.data!.deleteSchedule).toBe(true);
    await expect(handle.describe()).rejects.toThrow(/not found/i);
    expect(await schedulesOf(h, pipeline.id)).toEqual([]);
  });

  test('an every-minute schedule ticks by itself; paused, the next minute passes without a tick', async ({
    harness: h,
  }) => {
    // Temporal's own clock drives this schedule (no trigger-now): it proves the Schedule fires, and that a
    // pause stops it. Built around whatever minute it is: at most two minute boundaries are waited for.
    const pipeline = await sourcedPipeline(h, null);
    const known = await trigger(h, pipeline.id);
    await waitForRun(h, known.id, (r) => r.status === 'SUCCEEDED');
    const created = await h.gql<{ createSchedule: ScheduleView }>(
      `mutation($p: ID!) { createSchedule(pipelineId: $p, cron: "* * * * *", timeZone: "UTC") { ${scheduleFields} } }`,
      { p: pipeline.id },
    );
    expect(created.errors).toBeUndefined();
    const schedule = created.data!.createSchedule;
    const [tick] = await eventually(
      () => ticksOf(h, schedule.id),
      (t) => t.length === 1,
      75_000,
    );
    expect(tick!.outcome).toBe('TRIGGERED');

    const paused = await h.gql<{ pauseSchedule: ScheduleView }>(
      `mutation($id: ID!) { pauseSchedule(id: $id, paused: true) { paused } }`,
      { id: schedule.id },
    );
    expect(paused.data!.pauseSchedule.paused).toBe(true);
    // The tick just recorded fired at a minute boundary; the next one is under a minute away. Wait past it,
    // with time for a tick that did fire to be recorded.
    const pastNextBoundary = 60_000 - (Date.now() % 60_000) + 8_000;
    await new Promise((resolve) => setTimeout(resolve, pastNextBoundary));
    expect(await ticksOf(h, schedule.id)).toHaveLength(1);
    const handle = h.temporal.schedule.getHandle(scheduleTemporalId(schedule.id));
    expect((await handle.describe()).info.numActionsTaken).toBe(1);
    await handle.delete();
  }, 180_000);

  test('without a push, a tick deploys the revision of the latest successful run', async ({ harness: h }) => {
    const pipeline = await sourcedPipeline(h, null);
    const known = await trigger(h, pipeline.id);
    await waitForRun(h, known.id, (r) => r.status === 'SUCCEEDED');
    const schedule = await createSchedule(h, pipeline.id);
    const handle = h.temporal.schedule.getHandle(scheduleTemporalId(schedule.id));
    await handle.trigger();
    const [tick] = await eventually(
      () => ticksOf(h, schedule.id),
      (t) => t.length === 1,
    );
    expect(tick!.outcome).toBe('TRIGGERED');
    const run = await getRun(h, tick!.runId!);
    const [row] = await h.dataSource.query<Array<{ sha: string }>>(
      `SELECT revision_sha AS sha FROM pipeline_runs WHERE id = $1`,
      [run.id],
    );
    expect(row!.sha).toBe('a1b2c3d4e5f6');
    await handle.delete();
  });

  test('a cron that is not five fields, or an unknown time zone, is refused', async ({ harness: h }) => {
    const pipeline = await sourcedPipeline(h, null);
    const bad = (cron: string, timeZone: string) =>
      h.gql(
        `mutation($p: ID!, $c: String!, $z: String) { createSchedule(pipelineId: $p, cron: $c, timeZone: $z) { id } }`,
        {
          p: pipeline.id,
          c: cron,
          z: timeZone,
        },
      );
    expect((await bad('0 3 * *', 'UTC')).errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'cron',
    });
    expect((await bad('0 3 * * *', 'Mars/Olympus')).errors![0]!.extensions).toMatchObject({
      field: 'timeZone',
    });
    expect(await schedulesOf(h, pipeline.id)).toEqual([]);
  });
});
