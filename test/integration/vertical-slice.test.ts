import { describe, expect } from 'vitest';
import { eventually, test, type Harness } from '../support/fixtures';

const createPipeline = `
  mutation($input: PipelineInput!) {
    createPipeline(input: $input) { id name stages { id name position maxParallel actions { id name kind runOrder config } } }
  }`;
const triggerPipeline = `
  mutation($pipelineId: ID!, $revision: RevisionInput!) {
    triggerPipeline(pipelineId: $pipelineId, revision: $revision) { id number status temporalWorkflowId revision { sha committedAt } }
  }`;
const runQuery = `
  query($id: ID!) {
    pipelineRun(id: $id) {
      id number status startedAt finishedAt failureReason temporalWorkflowId
      currentStage { name status }
      triggeredBy { name role }
      pipeline { id name }
      stages {
        name position status startedAt finishedAt
        actions { name runOrder status startedAt finishedAt outputs attempts { number error } logs { seq stream text } }
      }
    }
  }`;

interface ActionRunView {
  name: string;
  runOrder: number;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  outputs: Record<string, string> | null;
  attempts: Array<{ number: number; error: string | null }>;
  logs: Array<{ seq: number; stream: string; text: string }>;
}
interface RunView {
  id: string;
  number: number;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  failureReason: string | null;
  temporalWorkflowId: string;
  currentStage: { name: string; status: string } | null;
  triggeredBy: { name: string; role: string };
  pipeline: { id: string; name: string };
  stages: Array<{
    name: string;
    position: number;
    status: string;
    startedAt: string | null;
    finishedAt: string | null;
    actions: ActionRunView[];
  }>;
}

const revision = {
  sha: 'a1b2c3d4e5f6',
  committedAt: '2026-11-20T10:00:00Z',
  message: 'ship it',
  author: 'dev@example.com',
};
const command = (name: string, cmd: string, runOrder = 1) => ({
  name,
  kind: 'COMMAND',
  runOrder,
  config: { command: cmd },
});

async function create(h: Harness, input: Record<string, unknown>): Promise<string> {
  const res = await h.gql<{ createPipeline: { id: string } }>(createPipeline, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.createPipeline.id;
}

async function trigger(h: Harness, pipelineId: string, token?: string) {
  const res = await h.gql<{
    triggerPipeline: { id: string; number: number; status: string; temporalWorkflowId: string };
  }>(triggerPipeline, { pipelineId, revision }, token);
  expect(res.errors).toBeUndefined();
  return res.data!.triggerPipeline;
}

async function finished(h: Harness, runId: string): Promise<RunView> {
  return eventually(
    async () => (await h.gql<{ pipelineRun: RunView }>(runQuery, { id: runId })).data!.pipelineRun,
    (run) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status),
  );
}

const ms = (iso: string | null) => new Date(iso!).getTime();

describe('a pipeline run, from GraphQL to Temporal to PostgreSQL', () => {
  test('runs a COMMAND action and stores its output lines and outputs', async ({ harness: h }) => {
    const pipelineId = await create(h, {
      name: 'hello',
      stages: [
        {
          name: 'build',
          actions: [
            command(
              'say',
              'echo "hello $LOCKSTEP_REVISION"; echo warning >&2; echo VERSION=1.4.2 >> "$LOCKSTEP_OUTPUT"',
            ),
          ],
        },
      ],
    });
    const started = await trigger(h, pipelineId);
    expect(started.number).toBe(1);
    expect(started.temporalWorkflowId).toBe(`pipeline-run-${started.id}`);

    const run = await finished(h, started.id);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.failureReason).toBeNull();
    expect(run.currentStage).toBeNull();
    expect(run.triggeredBy).toEqual({ name: 'test-admin', role: 'ADMIN' });
    expect(ms(run.finishedAt)).toBeGreaterThanOrEqual(ms(run.startedAt));
    const action = run.stages[0]!.actions[0]!;
    expect(action.status).toBe('SUCCEEDED');
    expect(action.outputs).toEqual({ VERSION: '1.4.2' });
    expect(action.attempts).toEqual([{ number: 1, error: null }]);
    expect(action.logs).toEqual([
      { seq: 1, stream: 'stdout', text: 'hello a1b2c3d4e5f6' },
      { seq: 2, stream: 'stderr', text: 'warning' },
    ]);

    const handle = h.temporal.workflow.getHandle(started.temporalWorkflowId);
    expect(await handle.result()).toEqual({ status: 'SUCCEEDED', failureReason: null });
    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.taskQueue).toBe(h.taskQueue);

    const events = await h.dataSource.query(
      'SELECT type FROM pipeline_events WHERE run_id = $1 ORDER BY id',
      [started.id],
    );
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'RUN_STARTED',
      'STAGE_STARTED',
      'ACTION_STARTED',
      'ACTION_SUCCEEDED',
      'STAGE_SUCCEEDED',
      'RUN_SUCCEEDED',
    ]);
    expect((await trigger(h, pipelineId)).number).toBe(2);
  });

  test('runs stages in order, groups by runOrder, and actions of a group in parallel', async ({
    harness: h,
  }) => {
    const pipelineId = await create(h, {
      name: 'ordered',
      stages: [
        {
          name: 'build',
          actions: [
            command('a', 'sleep 1'),
            command('b', 'sleep 1'),
            command('c', 'echo ARTIFACT=app-9 > "$LOCKSTEP_OUTPUT"', 2),
          ],
        },
        { name: 'deploy', actions: [command('ship', 'echo "shipping $ARTIFACT"')] },
      ],
    });
    const run = await finished(h, (await trigger(h, pipelineId)).id);
    expect(run.status).toBe('SUCCEEDED');
    const [build, deploy] = run.stages;
    const [a, b, c] = build!.actions;
    expect([a!.name, b!.name, c!.name]).toEqual(['a', 'b', 'c']);
    // a and b overlap; c starts after both finished; deploy starts after build finished.
    expect(ms(b!.startedAt)).toBeLessThan(ms(a!.finishedAt));
    expect(ms(a!.startedAt)).toBeLessThan(ms(b!.finishedAt));
    expect(ms(c!.startedAt)).toBeGreaterThanOrEqual(Math.max(ms(a!.finishedAt), ms(b!.finishedAt)));
    expect(ms(deploy!.startedAt)).toBeGreaterThanOrEqual(ms(build!.finishedAt));
    expect(deploy!.actions[0]!.logs.map((l) => l.text)).toEqual(['shipping app-9']);
  });

  test('a failing command fails its stage and the run; later stages do not start', async ({ harness: h }) => {
    const pipelineId = await create(h, {
      name: 'broken',
      stages: [
        {
          name: 'test',
          actions: [
            command('unit', 'echo running; echo "3 tests failed" >&2; exit 3'),
            command('lint', 'true'),
          ],
        },
        { name: 'deploy', actions: [command('ship', 'echo never')] },
      ],
    });
    const run = await finished(h, (await trigger(h, pipelineId)).id);
    expect(run.status).toBe('FAILED');
    expect(run.failureReason).toBe('stage "test" failed: action "unit" failed: exit code 3: 3 tests failed');
    expect(run.currentStage).toEqual({ name: 'test', status: 'FAILED' });
    const [testStage, deploy] = run.stages;
    expect(testStage!.actions.map((a) => [a.name, a.status])).toEqual([
      ['lint', 'SUCCEEDED'],
      ['unit', 'FAILED'],
    ]);
    expect(testStage!.actions[1]!.attempts).toEqual([{ number: 1, error: 'exit code 3: 3 tests failed' }]);
    // The run holds for a manual retry: the later stage has not started and may still run.
    expect(deploy!.status).toBe('PENDING');
    expect(deploy!.startedAt).toBeNull();
    expect(deploy!.actions[0]!.status).toBe('PENDING');
    expect(deploy!.actions[0]!.logs).toEqual([]);
  });
});

describe('who may do what', () => {
  test('no token, a bad token, and a role too low are refused with codes', async ({ harness: h }) => {
    const input = { name: 'guarded', stages: [{ name: 's', actions: [command('x', 'true')] }] };
    const anonymous = await h.gql(createPipeline, { input }, null);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const badToken = await h.gql(createPipeline, { input }, 'lsk_not-a-token');
    expect(badToken.status).toBe(401);
    expect(badToken.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const viewer = await h.tokenFor('VIEWER');
    expect((await h.gql(createPipeline, { input }, viewer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const stored = await h.dataSource.query('SELECT count(*)::int AS n FROM pipelines WHERE name = $1', [
      'guarded',
    ]);
    expect(stored[0].n).toBe(0);

    const pipelineId = await create(h, input);
    const operator = await h.tokenFor('OPERATOR', 'ops-bot');
    expect(
      (await h.gql(triggerPipeline, { pipelineId, revision }, viewer)).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    const run = await trigger(h, pipelineId, operator);
    expect((await finished(h, run.id)).triggeredBy).toEqual({ name: 'ops-bot', role: 'OPERATOR' });
  });

  test('bad input is answered with BAD_USER_INPUT naming the field, and nothing is stored', async ({
    harness: h,
  }) => {
    const before = await h.dataSource.query('SELECT count(*)::int AS n FROM pipelines');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: '  ', stages: [{ name: 's', actions: [command('x', 'true')] }] }, 'input.name'],
      [{ name: 'p', stages: [] }, 'input.stages'],
      [{ name: 'p', stages: [{ name: 's', actions: [] }] }, 'input.stages[0].actions'],
      [
        { name: 'p', stages: [{ name: 's', maxParallel: 0, actions: [command('x', 'true')] }] },
        'input.stages[0].maxParallel',
      ],
      [
        {
          name: 'p',
          stages: [{ name: 's', actions: [{ name: 'x', kind: 'COMMAND', config: { cmd: 'true' } }] }],
        },
        'input.stages[0].actions[0].config',
      ],
      [
        { name: 'p', stages: [{ name: 's', actions: [command('x', 'true'), command('x', 'false')] }] },
        'input.stages[0].actions',
      ],
      [
        {
          name: 'p',
          serviceId: '00000000-0000-0000-0000-000000000000',
          stages: [{ name: 's', actions: [command('x', 'true')] }],
        },
        'input.serviceId',
      ],
    ];
    for (const [input, field] of cases) {
      const res = await h.gql(createPipeline, { input });
      expect(res.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({
        code: 'BAD_USER_INPUT',
        field,
      });
    }
    const after = await h.dataSource.query('SELECT count(*)::int AS n FROM pipelines');
    expect(after[0].n).toBe(before[0].n);

    const unknownPipeline = await h.gql(triggerPipeline, {
      pipelineId: '00000000-0000-0000-0000-000000000000',
      revision,
    });
    expect(unknownPipeline.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const badSha = await h.gql(triggerPipeline, {
      pipelineId: '00000000-0000-0000-0000-000000000000',
      revision: { ...revision, sha: 'not a sha' },
    });
    expect(badSha.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'revision.sha' });
    const badTime = await h.gql(triggerPipeline, {
      pipelineId: '00000000-0000-0000-0000-000000000000',
      revision: { ...revision, committedAt: 'yesterday' },
    });
    expect(badTime.status).toBe(400);
    expect(badTime.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(badTime.errors?.[0]?.message).toContain('ISO-8601');
  });
});
