import { describe, expect } from 'vitest';
import { roles, type Role } from '../../db/domain';
import { eventually, test, type GraphQLResponse, type Harness } from '../support/fixtures';
import {
  actionOf,
  approval,
  command,
  createPipeline,
  ended,
  revision,
  trigger,
  waitForRun,
  type PipelineView,
} from '../support/pipelines';

/**
 * Who may do what: every mutation and query of the running schema, called without a token, with a token the
 * server never issued, and as each role. A role below the one an operation needs is refused with FORBIDDEN
 * and changes nothing; a role at or above it gets past the check (its arguments are real, so the first such
 * role succeeds outright).
 */

const rank = (role: Role) => roles.indexOf(role);
const codeOf = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions?.code;
const describeReply = (res: GraphQLResponse<unknown>) =>
  JSON.stringify({ status: res.status, errors: res.errors });
/** Codes that mean "past the role check, but these arguments do not work (any more)". */
const afterRoleCheck = ['NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT'];

async function ok<T>(
  h: Harness,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const res = await h.gql<T>(query, variables, token);
  expect(res.errors, describeReply(res)).toBeUndefined();
  return res.data!;
}

async function one<T>(h: Harness, sql: string, params: unknown[]): Promise<T> {
  const rows: T[] = await h.dataSource.query(sql, params);
  return rows[0]!;
}

/** Real targets for every mutation: runs waiting at gates, a failed run holding for retry, and so on. */
interface World {
  serviceId: string;
  environmentId: string;
  applyDeploymentId: string;
  planRunIds: [string, string, string];
  edit: PipelineView;
  doomedPipelineId: string;
  quickPipelineId: string;
  succeededRunId: string;
  gateActionIds: [string, string];
  cancellableRunId: string;
  failedRunId: string;
  /** Failed runs holding for a decision: one to retry whole, one to skip past (docs/run-semantics.md). */
  heldRunIds: [string, string];
  /** The only stage of the succeeded run, to rerun from. */
  succeededStageRunId: string;
  doomedSecretId: string;
  doomedSubscriptionId: string;
  keptSubscriptionId: string;
  victimTokenId: string;
  openIncidentId: string;
  /** Environments: one without a pipeline yet, one to rename; a pipeline of another whose service moves. */
  bareEnvironmentId: string;
  renamableEnvironmentId: string;
  movesPipeline: { id: string; stageIds: string[] };
  doomedDeploymentId: string;
  scheduleIds: [string, string];
  /** Freeze windows over an environment of their own: one to delete, one holding `frozenRunId`. */
  frozenEnvironmentId: string;
  doomedFreezeWindowId: string;
  frozenRunId: string;
}

const deploymentRunStatus = `query($id: ID!) { deploymentRun(id: $id) { status } }`;
const runDeploymentMutation = `mutation($deploymentId: ID!, $revision: RevisionInput!) {
  runDeployment(deploymentId: $deploymentId, revision: $revision) { id status } }`;

async function buildWorld(h: Harness): Promise<World> {
  const { createService: service } = await ok<{ createService: { id: string } }>(
    h,
    `mutation($input: ServiceInput!) { createService(input: $input) { id } }`,
    { input: { name: 'matrix-service', team: 'platform' } },
  );
  const { createEnvironment: environment } = await ok<{ createEnvironment: { id: string } }>(
    h,
    `mutation($input: EnvironmentInput!) { createEnvironment(input: $input) { id } }`,
    { input: { name: 'matrix-staging', tier: 'STAGING' } },
  );
  const createDeployment = `mutation($input: DeploymentInput!) { createDeployment(input: $input) { id } }`;
  const deployment = (input: Record<string, unknown>) =>
    ok<{ createDeployment: { id: string } }>(h, createDeployment, {
      input: { serviceId: service.id, environmentId: environment.id, ...input },
    }).then((d) => d.createDeployment.id);
  const applyDeploymentId = await deployment({ name: 'matrix-apply', applyCommand: 'true' });
  const doomedDeploymentId = await deployment({ name: 'matrix-doomed-deployment', applyCommand: 'true' });
  const environmentNamed = async (name: string) =>
    (
      await ok<{ createEnvironment: { id: string } }>(
        h,
        `mutation($input: EnvironmentInput!) { createEnvironment(input: $input) { id } }`,
        { input: { name, tier: 'DEVELOPMENT' } },
      )
    ).createEnvironment.id;
  const bareEnvironmentId = await environmentNamed('matrix-bare');
  const renamableEnvironmentId = await environmentNamed('matrix-renamable');
  const movesEnvironmentId = await environmentNamed('matrix-moves');
  await deployment({
    name: 'matrix-moves-deployment',
    environmentId: movesEnvironmentId,
    applyCommand: 'true',
  });
  const { createEnvironmentPipeline: moves } = await ok<{
    createEnvironmentPipeline: { id: string; stages: Array<{ id: string }> };
  }>(h, `mutation($e: ID!) { createEnvironmentPipeline(environmentId: $e) { id stages { id } } }`, {
    e: movesEnvironmentId,
  });
  const planDeploymentId = await deployment({
    name: 'matrix-plan',
    planCommand: 'echo plan',
    applyCommand: 'true',
    requirePlanApproval: true,
  });

  const edit = await createPipeline(h, {
    name: 'matrix-edit',
    stages: [
      { name: 'build', actions: [command('compile', 'true')] },
      { name: 'ship', actions: [command('release', 'true')] },
    ],
  });
  const doomed = await createPipeline(h, {
    name: 'matrix-doomed',
    stages: [{ name: 'only', actions: [command('noop', 'true')] }],
  });
  const quick = await createPipeline(h, {
    name: 'matrix-quick',
    executionMode: 'PARALLEL',
    stages: [{ name: 'only', actions: [command('noop', 'true')] }],
  });
  const gates = await createPipeline(h, {
    name: 'matrix-gates',
    executionMode: 'PARALLEL',
    stages: [{ name: 'production', actions: [approval('go')] }],
  });
  const failing = await createPipeline(h, {
    name: 'matrix-failing',
    stages: [
      { name: 'only', actions: [command('flaky', 'exit 3', 1, { retryPolicy: { maximumAttempts: 1 } })] },
    ],
  });

  // Everything below is started by the harness's admin, so none of the role tokens is the triggerer.
  const quickRun = await trigger(h, quick.id);
  const gateRuns = [await trigger(h, gates.id), await trigger(h, gates.id), await trigger(h, gates.id)];
  const failedRun = await trigger(h, failing.id);
  const heldRuns = [await trigger(h, failing.id), await trigger(h, failing.id)];
  const planRunIds = [
    (
      await ok<{ runDeployment: { id: string } }>(h, runDeploymentMutation, {
        deploymentId: planDeploymentId,
        revision,
      })
    ).runDeployment.id,
    (
      await ok<{ runDeployment: { id: string } }>(h, runDeploymentMutation, {
        deploymentId: planDeploymentId,
        revision,
      })
    ).runDeployment.id,
    (
      await ok<{ runDeployment: { id: string } }>(h, runDeploymentMutation, {
        deploymentId: planDeploymentId,
        revision,
      })
    ).runDeployment.id,
  ] as [string, string, string];

  const setSecret = `mutation($input: SecretInput!) { setSecret(input: $input) { id } }`;
  const { setSecret: secret } = await ok<{ setSecret: { id: string } }>(h, setSecret, {
    input: { name: 'MATRIX_DOOMED', value: 'doomed-value' },
  });
  const createSubscription = `mutation($input: WebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { id } }`;
  // Scoped to a pipeline that never runs: no deliveries are attempted to this dead address.
  const subscription = async () =>
    (
      await ok<{ createWebhookSubscription: { id: string } }>(h, createSubscription, {
        input: { url: 'http://127.0.0.1:9/hook', secret: 'matrix-shared-secret', pipelineId: edit.id },
      })
    ).createWebhookSubscription.id;
  const { createApiToken: victim } = await ok<{ createApiToken: { tokenId: string } }>(
    h,
    `mutation { createApiToken(name: "matrix-victim", role: VIEWER) { tokenId } }`,
  );

  const [succeeded, ...waiting] = await Promise.all([
    waitForRun(h, quickRun.id, ended),
    ...gateRuns.map((run) =>
      waitForRun(h, run.id, (r) => actionOf(r, 'production', 'go').status === 'WAITING_FOR_APPROVAL'),
    ),
    waitForRun(h, failedRun.id, (r) => r.status === 'FAILED'),
    ...heldRuns.map((run) => waitForRun(h, run.id, (r) => r.status === 'FAILED')),
  ]);
  expect(succeeded.status).toBe('SUCCEEDED');
  for (const id of planRunIds) {
    await eventually(
      () => ok<{ deploymentRun: { status: string } }>(h, deploymentRunStatus, { id }),
      (d) => d.deploymentRun.status === 'WAITING',
    );
  }

  const { openIncident } = await ok<{ openIncident: { id: string } }>(
    h,
    `mutation($i: IncidentInput!) { openIncident(input: $i) { id } }`,
    { i: { serviceId: service.id, title: 'matrix incident', openedAt: '2026-11-01T10:00:00Z' } },
  );

  const schedule = async () =>
    (
      await ok<{ createSchedule: { id: string } }>(
        h,
        `mutation($p: ID!) { createSchedule(pipelineId: $p, cron: "0 3 * * *") { id } }`,
        { p: quick.id },
      )
    ).createSchedule.id;
  const scheduleIds: [string, string] = [await schedule(), await schedule()];

  const frozenEnvironmentId = await environmentNamed('matrix-frozen');
  const freezeWindow = async () =>
    (
      await ok<{ createFreezeWindow: { id: string } }>(
        h,
        `mutation($i: FreezeWindowInput!) { createFreezeWindow(input: $i) { id } }`,
        {
          i: {
            name: 'matrix freeze',
            environmentId: frozenEnvironmentId,
            startsAt: '2026-01-01T00:00:00Z',
            endsAt: '2099-01-01T00:00:00Z',
          },
        },
      )
    ).createFreezeWindow.id;
  const doomedFreezeWindowId = await freezeWindow();
  await freezeWindow();
  const frozen = await createPipeline(h, {
    name: 'matrix-frozen',
    executionMode: 'PARALLEL',
    stages: [{ name: 'frozen', environmentId: frozenEnvironmentId, actions: [command('noop', 'true')] }],
  });
  const frozenRun = await trigger(h, frozen.id);
  await waitForRun(h, frozenRun.id, (r) => r.status === 'WAITING');

  return {
    frozenEnvironmentId,
    doomedFreezeWindowId,
    frozenRunId: frozenRun.id,
    scheduleIds,
    openIncidentId: openIncident.id,
    serviceId: service.id,
    environmentId: environment.id,
    applyDeploymentId,
    planRunIds,
    edit,
    doomedPipelineId: doomed.id,
    quickPipelineId: quick.id,
    succeededRunId: quickRun.id,
    gateActionIds: [
      actionOf(waiting[0]!, 'production', 'go').id,
      actionOf(waiting[1]!, 'production', 'go').id,
    ],
    cancellableRunId: gateRuns[2]!.id,
    failedRunId: failedRun.id,
    heldRunIds: [heldRuns[0]!.id, heldRuns[1]!.id],
    succeededStageRunId: succeeded.stages[0]!.id,
    doomedSecretId: secret.id,
    doomedSubscriptionId: await subscription(),
    keptSubscriptionId: await subscription(),
    victimTokenId: victim.tokenId,
    bareEnvironmentId,
    renamableEnvironmentId,
    movesPipeline: { id: moves.id, stageIds: moves.stages.map((stage) => stage.id) },
    doomedDeploymentId,
  };
}

// One harness per file, so one world and one token per role for the whole file.
let world: Promise<World> | undefined;
let tokens: Promise<Record<Role, string>> | undefined;
const worldOf = (h: Harness) => (world ??= buildWorld(h));
const tokensOf = (h: Harness) =>
  (tokens ??= Promise.all(roles.map((role) => h.tokenFor(role, `matrix-${role.toLowerCase()}`))).then(
    (list) => Object.fromEntries(roles.map((role, i) => [role, list[i]!])) as Record<Role, string>,
  ));

interface MutationCase {
  name: string;
  role: Role;
  document: string;
  variables: (w: World) => Record<string, unknown>;
  /** What the mutation changes; it must read the same after each refused call and differ after it succeeds. */
  state: (h: Harness, w: World) => Promise<unknown>;
}

const count = (table: string) => async (h: Harness) =>
  (await one<{ n: number }>(h, `SELECT count(*)::int AS n FROM ${table}`, [])).n;
const pipelineDefinition = (editedInput: Record<string, unknown>) => ({
  name: 'matrix-edit',
  stages: [
    { name: 'build', actions: [command('compile', 'true')] },
    { name: 'ship', actions: [command('release', 'true')] },
  ],
  ...editedInput,
});
const gateState = (h: Harness, id: string) =>
  one(
    h,
    `SELECT status, (SELECT count(*)::int FROM approvals WHERE action_run_id = $1) AS approvals
       FROM action_runs WHERE id = $1`,
    [id],
  );
const planState = (h: Harness, id: string) =>
  one(
    h,
    `SELECT status, (SELECT count(*)::int FROM deployment_plan_approvals WHERE deployment_run_id = $1) AS decisions
       FROM deployment_runs WHERE id = $1`,
    [id],
  );

const mutationCases: MutationCase[] = [
  {
    name: 'createApiToken',
    role: 'ADMIN',
    document: `mutation($name: String!, $role: Role!) { createApiToken(name: $name, role: $role) { token principal { id } } }`,
    variables: () => ({ name: 'matrix-new-token', role: 'VIEWER' }),
    state: count('api_tokens'),
  },
  {
    name: 'revokeApiToken',
    role: 'ADMIN',
    document: `mutation($id: ID!) { revokeApiToken(id: $id) }`,
    variables: (w) => ({ id: w.victimTokenId }),
    state: count('api_tokens WHERE revoked_at IS NOT NULL'),
  },
  {
    name: 'createService',
    role: 'ADMIN',
    document: `mutation($input: ServiceInput!) { createService(input: $input) { id } }`,
    variables: () => ({ input: { name: 'matrix-new-service' } }),
    state: count('services'),
  },
  {
    name: 'createEnvironment',
    role: 'ADMIN',
    document: `mutation($input: EnvironmentInput!) { createEnvironment(input: $input) { id } }`,
    variables: () => ({ input: { name: 'matrix-new-environment', tier: 'DEVELOPMENT' } }),
    state: count('environments'),
  },
  {
    name: 'createDeployment',
    role: 'ADMIN',
    document: `mutation($input: DeploymentInput!) { createDeployment(input: $input) { id } }`,
    variables: (w) => ({
      input: {
        name: 'matrix-new-deployment',
        serviceId: w.serviceId,
        environmentId: w.environmentId,
        applyCommand: 'true',
      },
    }),
    state: count('deployments'),
  },
  {
    name: 'updateService',
    role: 'ADMIN',
    document: `mutation($id: ID!, $input: ServiceInput!) { updateService(id: $id, input: $input) { id type } }`,
    variables: (w) => ({ id: w.serviceId, input: { name: 'matrix-service', team: 'platform', type: 'JOB' } }),
    state: (h, w) => one(h, 'SELECT type FROM services WHERE id = $1', [w.serviceId]),
  },
  {
    name: 'updateEnvironment',
    role: 'ADMIN',
    document: `mutation($id: ID!, $input: EnvironmentInput!) { updateEnvironment(id: $id, input: $input) { id } }`,
    variables: (w) => ({ id: w.renamableEnvironmentId, input: { name: 'matrix-renamed', tier: 'STAGING' } }),
    state: (h, w) => one(h, 'SELECT name, tier FROM environments WHERE id = $1', [w.renamableEnvironmentId]),
  },
  {
    name: 'createEnvironmentPipeline',
    role: 'ADMIN',
    document: `mutation($e: ID!) { createEnvironmentPipeline(environmentId: $e) { id } }`,
    variables: (w) => ({ e: w.bareEnvironmentId }),
    state: count('pipelines WHERE environment_id IS NOT NULL'),
  },
  {
    name: 'moveService',
    role: 'ADMIN',
    document: `mutation($p: ID!, $s: ID!, $t: ID!) { moveService(pipelineId: $p, serviceId: $s, toStageId: $t) { id } }`,
    variables: (w) => ({ p: w.movesPipeline.id, s: w.serviceId, t: w.movesPipeline.stageIds[0] }),
    state: (h, w) =>
      one(h, 'SELECT stage_id FROM stage_services WHERE pipeline_id = $1', [w.movesPipeline.id]),
  },
  {
    name: 'updateDeployment',
    role: 'ADMIN',
    document: `mutation($id: ID!, $input: DeploymentInput!) { updateDeployment(id: $id, input: $input) { id } }`,
    variables: (w) => ({
      id: w.applyDeploymentId,
      input: {
        name: 'matrix-apply',
        serviceId: w.serviceId,
        environmentId: w.environmentId,
        applyCommand: 'true # edited',
      },
    }),
    state: (h, w) => one(h, 'SELECT apply_command FROM deployments WHERE id = $1', [w.applyDeploymentId]),
  },
  {
    name: 'deleteDeployment',
    role: 'ADMIN',
    document: `mutation($id: ID!) { deleteDeployment(id: $id) }`,
    variables: (w) => ({ id: w.doomedDeploymentId }),
    state: count('deployments'),
  },
  {
    name: 'createPipeline',
    role: 'ADMIN',
    document: `mutation($input: PipelineInput!) { createPipeline(input: $input) { id } }`,
    variables: () => ({
      input: { name: 'matrix-new-pipeline', stages: [{ name: 'only', actions: [command('noop', 'true')] }] },
    }),
    state: count('pipelines'),
  },
  {
    name: 'updatePipeline',
    role: 'ADMIN',
    document: `mutation($id: ID!, $input: PipelineInput!) { updatePipeline(id: $id, input: $input) { id description } }`,
    variables: (w) => ({ id: w.edit.id, input: pipelineDefinition({ description: 'edited by the matrix' }) }),
    state: (h, w) =>
      h.dataSource.query(
        `SELECT p.description, p.updated_at, array_agg(a.id ORDER BY a.id) AS actions
           FROM pipelines p JOIN stages s ON s.pipeline_id = p.id JOIN actions a ON a.stage_id = s.id
          WHERE p.id = $1 GROUP BY p.id`,
        [w.edit.id],
      ),
  },
  {
    name: 'reorderStages',
    role: 'ADMIN',
    document: `mutation($pipelineId: ID!, $stageIds: [ID!]!) { reorderStages(pipelineId: $pipelineId, stageIds: $stageIds) { id } }`,
    variables: (w) => ({ pipelineId: w.edit.id, stageIds: w.edit.stages.map((s) => s.id).reverse() }),
    state: (h, w) =>
      h.dataSource.query('SELECT id, position FROM stages WHERE pipeline_id = $1 ORDER BY id', [w.edit.id]),
  },
  {
    name: 'deletePipeline',
    role: 'ADMIN',
    document: `mutation($id: ID!) { deletePipeline(id: $id) }`,
    variables: (w) => ({ id: w.doomedPipelineId }),
    state: count('pipelines'),
  },
  {
    name: 'triggerPipeline',
    role: 'OPERATOR',
    document: `mutation($pipelineId: ID!, $revision: RevisionInput!) { triggerPipeline(pipelineId: $pipelineId, revision: $revision) { id } }`,
    variables: (w) => ({ pipelineId: w.quickPipelineId, revision }),
    state: count('pipeline_runs'),
  },
  {
    name: 'runDeployment',
    role: 'OPERATOR',
    document: runDeploymentMutation,
    variables: (w) => ({ deploymentId: w.applyDeploymentId, revision }),
    state: count('deployment_runs'),
  },
  {
    name: 'approveAction',
    role: 'APPROVER',
    document: `mutation($id: ID!) { approveAction(actionRunId: $id, comment: "matrix") { id status } }`,
    variables: (w) => ({ id: w.gateActionIds[0] }),
    state: (h, w) => gateState(h, w.gateActionIds[0]),
  },
  {
    name: 'rejectAction',
    role: 'APPROVER',
    document: `mutation($id: ID!) { rejectAction(actionRunId: $id, comment: "matrix") { id status } }`,
    variables: (w) => ({ id: w.gateActionIds[1] }),
    state: (h, w) => gateState(h, w.gateActionIds[1]),
  },
  {
    name: 'approveDeploymentPlan',
    role: 'APPROVER',
    document: `mutation($id: ID!) { approveDeploymentPlan(deploymentRunId: $id, comment: "matrix") { id status } }`,
    variables: (w) => ({ id: w.planRunIds[0] }),
    state: (h, w) => planState(h, w.planRunIds[0]),
  },
  {
    name: 'rejectDeploymentPlan',
    role: 'APPROVER',
    document: `mutation($id: ID!) { rejectDeploymentPlan(deploymentRunId: $id, comment: "matrix") { id status } }`,
    variables: (w) => ({ id: w.planRunIds[1] }),
    state: (h, w) => planState(h, w.planRunIds[1]),
  },
  {
    name: 'cancelDeploymentRun',
    role: 'OPERATOR',
    document: `mutation($id: ID!) { cancelDeploymentRun(deploymentRunId: $id, reason: "matrix") { id status } }`,
    variables: (w) => ({ id: w.planRunIds[2] }),
    state: (h, w) => planState(h, w.planRunIds[2]),
  },
  {
    name: 'retryFailedActions',
    role: 'OPERATOR',
    document: `mutation($id: ID!) { retryFailedActions(runId: $id) { id status } }`,
    variables: (w) => ({ id: w.failedRunId }),
    state: (h, w) =>
      one(
        h,
        `SELECT r.status, (SELECT count(*)::int FROM action_attempts t JOIN action_runs a ON a.id = t.action_run_id
                            WHERE a.run_id = r.id) AS attempts
           FROM pipeline_runs r WHERE r.id = $1`,
        [w.failedRunId],
      ),
  },
  {
    name: 'retryStage',
    role: 'OPERATOR',
    document: `mutation($id: ID!) { retryStage(runId: $id) { id status } }`,
    variables: (w) => ({ id: w.heldRunIds[0] }),
    state: (h, w) =>
      one(
        h,
        `SELECT r.status, (SELECT count(*)::int FROM action_attempts t JOIN action_runs a ON a.id = t.action_run_id
                            WHERE a.run_id = r.id) AS attempts
           FROM pipeline_runs r WHERE r.id = $1`,
        [w.heldRunIds[0]],
      ),
  },
  {
    name: 'skipFailedActions',
    role: 'APPROVER',
    document: `mutation($id: ID!) { skipFailedActions(runId: $id, reason: "matrix") { id status } }`,
    variables: (w) => ({ id: w.heldRunIds[1] }),
    state: (h, w) =>
      one(
        h,
        `SELECT r.status, array_agg(a.status ORDER BY a.name) AS actions
           FROM pipeline_runs r JOIN action_runs a ON a.run_id = r.id WHERE r.id = $1 GROUP BY r.status`,
        [w.heldRunIds[1]],
      ),
  },
  {
    name: 'rerunFromStage',
    role: 'OPERATOR',
    document: `mutation($id: ID!, $stage: ID!) { rerunFromStage(runId: $id, stageRunId: $stage) { id } }`,
    variables: (w) => ({ id: w.succeededRunId, stage: w.succeededStageRunId }),
    state: count('pipeline_runs'),
  },
  {
    name: 'cancelRun',
    role: 'OPERATOR',
    document: `mutation($id: ID!) { cancelRun(runId: $id, reason: "matrix") { id status } }`,
    variables: (w) => ({ id: w.cancellableRunId }),
    state: (h, w) =>
      one(h, 'SELECT status, cancel_reason FROM pipeline_runs WHERE id = $1', [w.cancellableRunId]),
  },
  {
    name: 'setStageTransition',
    role: 'OPERATOR',
    document: `mutation($id: ID!) { setStageTransition(stageId: $id, enabled: false, reason: "matrix") { id transitionEnabled } }`,
    variables: (w) => ({ id: w.edit.stages[1]!.id }),
    state: (h, w) =>
      one(h, 'SELECT transition_enabled, transition_reason FROM stages WHERE id = $1', [
        w.edit.stages[1]!.id,
      ]),
  },
  {
    name: 'rollback',
    role: 'OPERATOR',
    document: `mutation($pipelineId: ID!, $toRunId: ID!) { rollback(pipelineId: $pipelineId, toRunId: $toRunId) { id } }`,
    variables: (w) => ({ pipelineId: w.quickPipelineId, toRunId: w.succeededRunId }),
    state: count('pipeline_runs'),
  },
  {
    name: 'promote',
    role: 'OPERATOR',
    document: `mutation($pipelineId: ID!, $fromRunId: ID!) { promote(pipelineId: $pipelineId, fromRunId: $fromRunId) { id } }`,
    variables: (w) => ({ pipelineId: w.quickPipelineId, fromRunId: w.succeededRunId }),
    state: count('pipeline_runs'),
  },
  {
    name: 'recordExternalDeployment',
    role: 'OPERATOR',
    document: `mutation($input: ExternalDeploymentInput!) { recordExternalDeployment(input: $input) { id } }`,
    variables: (w) => ({
      input: {
        serviceId: w.serviceId,
        environmentId: w.environmentId,
        status: 'SUCCEEDED',
        startedAt: '2026-11-01T09:00:00Z',
        finishedAt: '2026-11-01T09:05:00Z',
        revision: { sha: 'abcdef0', committedAt: '2026-11-01T08:00:00Z' },
      },
    }),
    state: count('deployment_runs'),
  },
  {
    name: 'recordExternalDeployments',
    role: 'OPERATOR',
    document: `mutation($input: [ExternalDeploymentInput!]!) { recordExternalDeployments(input: $input) }`,
    variables: (w) => ({
      input: [
        {
          serviceId: w.serviceId,
          environmentId: w.environmentId,
          status: 'SUCCEEDED',
          startedAt: '2026-11-01T10:00:00Z',
          finishedAt: '2026-11-01T10:05:00Z',
          revision: { sha: 'abcdef1', committedAt: '2026-11-01T08:00:00Z' },
        },
      ],
    }),
    state: count('deployment_runs'),
  },
  {
    name: 'vacuumDoraFacts',
    role: 'OPERATOR',
    document: `mutation { vacuumDoraFacts }`,
    variables: () => ({}),
    state: async (h) =>
      (
        await one<{ n: number }>(
          h,
          `SELECT vacuum_count::int AS n FROM pg_stat_user_tables WHERE relname = 'dora_deployment_facts'`,
          [],
        )
      ).n,
  },
  {
    name: 'openIncident',
    role: 'OPERATOR',
    document: `mutation($input: IncidentInput!) { openIncident(input: $input) { id } }`,
    variables: (w) => ({
      input: { serviceId: w.serviceId, title: 'matrix outage', openedAt: '2026-11-02T10:00:00Z' },
    }),
    state: count('incidents'),
  },
  {
    name: 'resolveIncident',
    role: 'OPERATOR',
    document: `mutation($id: ID!) { resolveIncident(id: $id, resolvedAt: "2026-11-01T11:00:00Z") { id resolvedAt } }`,
    variables: (w) => ({ id: w.openIncidentId }),
    state: (h, w) => one(h, 'SELECT resolved_at FROM incidents WHERE id = $1', [w.openIncidentId]),
  },
  {
    name: 'setSecret',
    role: 'ADMIN',
    document: `mutation($input: SecretInput!) { setSecret(input: $input) { id } }`,
    variables: () => ({ input: { name: 'MATRIX_NEW', value: 'matrix-new-value' } }),
    state: count('secrets'),
  },
  {
    name: 'deleteSecret',
    role: 'ADMIN',
    document: `mutation($id: ID!) { deleteSecret(id: $id) }`,
    variables: (w) => ({ id: w.doomedSecretId }),
    state: count('secrets'),
  },
  {
    name: 'createWebhookSubscription',
    role: 'ADMIN',
    document: `mutation($input: WebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { id } }`,
    variables: (w) => ({
      input: { url: 'http://127.0.0.1:9/new-hook', secret: 'matrix-shared-secret', pipelineId: w.edit.id },
    }),
    state: count('webhook_subscriptions'),
  },
  {
    name: 'deleteWebhookSubscription',
    role: 'ADMIN',
    document: `mutation($id: ID!) { deleteWebhookSubscription(id: $id) }`,
    variables: (w) => ({ id: w.doomedSubscriptionId }),
    state: count('webhook_subscriptions'),
  },
  {
    name: 'upsertService',
    role: 'ADMIN',
    document: `mutation($input: ServiceInput!) { upsertService(input: $input) { change } }`,
    variables: () => ({ input: { name: 'matrix-upserted-service' } }),
    state: count('services'),
  },
  {
    name: 'upsertEnvironment',
    role: 'ADMIN',
    document: `mutation($input: EnvironmentInput!) { upsertEnvironment(input: $input) { change } }`,
    variables: () => ({ input: { name: 'matrix-upserted-environment', tier: 'STAGING' } }),
    state: count('environments'),
  },
  {
    name: 'upsertDeployment',
    role: 'ADMIN',
    document: `mutation($input: DeploymentInput!) { upsertDeployment(input: $input) { change } }`,
    variables: (w) => ({
      input: {
        name: 'matrix-upserted-deployment',
        serviceId: w.serviceId,
        environmentId: w.environmentId,
        applyCommand: 'true',
      },
    }),
    state: count('deployments'),
  },
  {
    name: 'upsertPipeline',
    role: 'ADMIN',
    document: `mutation($input: PipelineInput!) { upsertPipeline(input: $input) { change } }`,
    variables: () => ({
      input: { name: 'matrix-upserted', stages: [{ name: 'only', actions: [command('noop', 'true')] }] },
    }),
    state: count('pipelines'),
  },
  {
    name: 'createSchedule',
    role: 'ADMIN',
    document: `mutation($p: ID!) { createSchedule(pipelineId: $p, cron: "0 4 * * *") { id } }`,
    variables: (w) => ({ p: w.quickPipelineId }),
    state: count('pipeline_schedules'),
  },
  {
    name: 'pauseSchedule',
    role: 'OPERATOR',
    document: `mutation($id: ID!) { pauseSchedule(id: $id, paused: true) { paused } }`,
    variables: (w) => ({ id: w.scheduleIds[0] }),
    state: (h, w) => one(h, 'SELECT paused FROM pipeline_schedules WHERE id = $1', [w.scheduleIds[0]]),
  },
  {
    name: 'deleteSchedule',
    role: 'ADMIN',
    document: `mutation($id: ID!) { deleteSchedule(id: $id) }`,
    variables: (w) => ({ id: w.scheduleIds[1] }),
    state: count('pipeline_schedules'),
  },
  {
    name: 'createFreezeWindow',
    role: 'ADMIN',
    document: `mutation($i: FreezeWindowInput!) { createFreezeWindow(input: $i) { id } }`,
    variables: (w) => ({
      i: {
        name: 'matrix later',
        environmentId: w.frozenEnvironmentId,
        startsAt: '2099-01-01T00:00:00Z',
        endsAt: '2099-01-02T00:00:00Z',
      },
    }),
    state: count('freeze_windows'),
  },
  {
    name: 'deleteFreezeWindow',
    role: 'ADMIN',
    document: `mutation($id: ID!) { deleteFreezeWindow(id: $id) }`,
    variables: (w) => ({ id: w.doomedFreezeWindowId }),
    state: count('freeze_windows'),
  },
  {
    name: 'overrideFreeze',
    role: 'ADMIN',
    document: `mutation($id: ID!) { overrideFreeze(runId: $id, reason: "matrix") { id status } }`,
    variables: (w) => ({ id: w.frozenRunId }),
    state: count('freeze_overrides'),
  },
];

interface QueryCase {
  name: string;
  role: Role;
  document: string;
  variables?: (w: World) => Record<string, unknown>;
}

const queryCases: QueryCase[] = [
  { name: 'viewer', role: 'VIEWER', document: '{ viewer { id name role } }' },
  { name: 'services', role: 'VIEWER', document: '{ services { id name } }' },
  { name: 'environments', role: 'VIEWER', document: '{ environments { id name tier } }' },
  { name: 'freezeWindows', role: 'VIEWER', document: '{ freezeWindows { id name endsAt } }' },
  { name: 'deployments', role: 'VIEWER', document: '{ deployments { id name } }' },
  {
    name: 'deploymentRun',
    role: 'VIEWER',
    document: 'query($id: ID!) { deploymentRun(id: $id) { id status } }',
    variables: (w) => ({ id: w.planRunIds[0] }),
  },
  {
    name: 'pipelines',
    role: 'VIEWER',
    document: '{ pipelines(first: 5) { totalCount edges { node { id } } } }',
  },
  {
    name: 'pipeline',
    role: 'VIEWER',
    document: 'query($id: ID!) { pipeline(id: $id) { id name } }',
    variables: (w) => ({ id: w.edit.id }),
  },
  { name: 'pipelineRuns', role: 'VIEWER', document: '{ pipelineRuns(first: 5) { totalCount } }' },
  {
    name: 'actionRun',
    role: 'VIEWER',
    document: 'query($id: ID!) { actionRun(id: $id) { id status logLineCount } }',
    variables: (w) => ({ id: w.gateActionIds[0] }),
  },
  {
    name: 'pipelineRun',
    role: 'VIEWER',
    document: 'query($id: ID!) { pipelineRun(id: $id) { id status } }',
    variables: (w) => ({ id: w.succeededRunId }),
  },
  {
    name: 'doraMetrics',
    role: 'VIEWER',
    document:
      '{ doraMetrics(filter: { from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:00Z" }) { deploymentFrequency { value } } }',
  },
  { name: 'deploymentRuns', role: 'VIEWER', document: '{ deploymentRuns(first: 5) { totalCount } }' },
  { name: 'incidents', role: 'VIEWER', document: '{ incidents { id attribution } }' },
  { name: 'live', role: 'VIEWER', document: '{ live { since revision { sha } } }' },
  { name: 'artifacts', role: 'VIEWER', document: '{ artifacts(first: 5) { id name digest } }' },
  {
    name: 'pipelineByName',
    role: 'VIEWER',
    document: '{ pipelineByName(name: "matrix-edit") { id } }',
  },
  {
    name: 'pipelineRunByNumber',
    role: 'VIEWER',
    document: 'query($p: ID!) { pipelineRunByNumber(pipelineId: $p, number: 1) { id } }',
    variables: (w) => ({ p: w.quickPipelineId }),
  },
  {
    name: 'schedules',
    role: 'VIEWER',
    document: 'query($p: ID) { schedules(pipelineId: $p) { id cron paused } }',
    variables: (w) => ({ p: w.quickPipelineId }),
  },
  { name: 'apiTokens', role: 'ADMIN', document: '{ apiTokens { id revokedAt } }' },
  { name: 'secrets', role: 'ADMIN', document: '{ secrets { id name scope } }' },
  { name: 'webhookSubscriptions', role: 'ADMIN', document: '{ webhookSubscriptions { id url } }' },
  {
    name: 'auditLog',
    role: 'ADMIN',
    document: '{ auditLog(first: 5) { totalCount edges { node { id } } } }',
  },
  {
    name: 'webhookDeliveries',
    role: 'ADMIN',
    document: 'query($id: ID!) { webhookDeliveries(subscriptionId: $id) { id } }',
    variables: (w) => ({ id: w.keptSubscriptionId }),
  },
];

const sameAs = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

describe('role x operation matrix', () => {
  test('the tables below cover every query and mutation of the running schema', async ({ harness: h }) => {
    const { __schema: schema } = await ok<{
      __schema: {
        queryType: { fields: Array<{ name: string }> };
        mutationType: { fields: Array<{ name: string }> };
      };
    }>(h, '{ __schema { queryType { fields { name } } mutationType { fields { name } } } }');
    expect(schema.mutationType.fields.map((f) => f.name).sort()).toEqual(
      mutationCases.map((c) => c.name).sort(),
    );
    expect(schema.queryType.fields.map((f) => f.name).sort()).toEqual(queryCases.map((c) => c.name).sort());
  });

  test.for(mutationCases)('mutation $name needs $role', async (c, { harness: h }) => {
    const w = await worldOf(h);
    const byRole = await tokensOf(h);
    const call = (token: string | null) => h.gql<Record<string, unknown>>(c.document, c.variables(w), token);
    const before = await c.state(h, w);

    const anonymous = await call(null);
    expect(codeOf(anonymous), describeReply(anonymous)).toBe('UNAUTHENTICATED');
    expect(anonymous.data?.[c.name] ?? null).toBeNull();
    expect(await c.state(h, w)).toEqual(before);

    const bogus = await call('lsk_bogus');
    expect(bogus.status, describeReply(bogus)).toBe(401);
    expect(codeOf(bogus)).toBe('UNAUTHENTICATED');
    expect(await c.state(h, w)).toEqual(before);

    for (const role of roles) {
      const res = await call(byRole[role]);
      if (rank(role) < rank(c.role)) {
        expect(codeOf(res), `${role}: ${describeReply(res)}`).toBe('FORBIDDEN');
        expect(res.data?.[c.name] ?? null, role).toBeNull();
        expect(await c.state(h, w), `${role} changed something`).toEqual(before);
      } else if (role === c.role) {
        // The lowest role allowed, with real arguments: it goes through and its effect is visible.
        expect(res.errors, `${role}: ${describeReply(res)}`).toBeUndefined();
        expect(res.data?.[c.name]).toBeDefined();
        await eventually(
          () => c.state(h, w),
          (now) => !sameAs(now, before),
          15_000,
        );
      } else {
        // Higher roles pass the check too; the target may have moved on (a decided gate, an ended run).
        if (res.errors) expect(afterRoleCheck, `${role}: ${describeReply(res)}`).toContain(codeOf(res));
      }
    }
  });

  test.for(queryCases)('query $name needs $role', async (c, { harness: h }) => {
    const w = await worldOf(h);
    const byRole = await tokensOf(h);
    const call = (token: string | null) =>
      h.gql<Record<string, unknown>>(c.document, c.variables?.(w) ?? {}, token);

    const anonymous = await call(null);
    expect(codeOf(anonymous), describeReply(anonymous)).toBe('UNAUTHENTICATED');
    expect(anonymous.data?.[c.name] ?? null).toBeNull();
    const bogus = await call('lsk_bogus');
    expect(bogus.status, describeReply(bogus)).toBe(401);
    expect(codeOf(bogus)).toBe('UNAUTHENTICATED');
    expect(bogus.data ?? null).toBeNull();

    for (const role of roles) {
      const res = await call(byRole[role]);
      if (rank(role) < rank(c.role)) {
        expect(codeOf(res), `${role}: ${describeReply(res)}`).toBe('FORBIDDEN');
        expect(res.data?.[c.name] ?? null, `${role} saw data`).toBeNull();
      } else {
        expect(res.errors, `${role}: ${describeReply(res)}`).toBeUndefined();
        // Every query of the table names a row or list that exists: an allowed role gets it, not null.
        expect(res.data?.[c.name], role).toEqual(expect.anything());
      }
    }
  });
});

describe('approval gates that allow self-approval', () => {
  test('the person who triggered the run may approve its gate', async ({ harness: h }) => {
    const pipeline = await createPipeline(h, {
      name: 'self-approvable',
      stages: [
        {
          name: 'production',
          actions: [approval('go-live', { allowSelfApproval: true }), command('deploy', 'echo live', 2)],
        },
      ],
    });
    const sam = await h.tokenFor('APPROVER', 'sam');
    const run = await trigger(h, pipeline.id, sam);
    const waiting = await waitForRun(
      h,
      run.id,
      (r) => actionOf(r, 'production', 'go-live').status === 'WAITING_FOR_APPROVAL',
    );
    expect(waiting.triggeredBy.name).toBe('sam');

    const res = await h.gql<{ approveAction: { approvals: Array<{ principal: { name: string } }> } }>(
      `mutation($id: ID!) { approveAction(actionRunId: $id, comment: "my own change") { approvals { principal { name } } } }`,
      { id: actionOf(waiting, 'production', 'go-live').id },
      sam,
    );
    expect(res.errors, describeReply(res)).toBeUndefined();
    expect(res.data!.approveAction.approvals.map((a) => a.principal.name)).toEqual(['sam']);

    const done = await waitForRun(h, run.id, ended);
    expect(done.status).toBe('SUCCEEDED');
    expect(actionOf(done, 'production', 'go-live').status).toBe('SUCCEEDED');
    expect(actionOf(done, 'production', 'deploy').logs.map((l) => l.text)).toEqual(['live']);
  });
});

describe('the audit trail of the matrix', () => {
  test('every mutation left ALLOWED and DENIED rows naming the callers', async ({ harness: h }) => {
    const rows: Array<{ operation: string; outcomes: string[] }> = await h.dataSource.query(
      `SELECT operation, array_agg(DISTINCT outcome ORDER BY outcome) AS outcomes FROM audit_log GROUP BY operation`,
    );
    const byOperation = new Map(rows.map((r) => [r.operation, r.outcomes]));
    for (const c of mutationCases) {
      expect(byOperation.get(c.name), c.name).toEqual(expect.arrayContaining(['ALLOWED', 'DENIED']));
    }
  });
});
