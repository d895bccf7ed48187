// Records workflow histories of representative runs into test/histories/, for the replay test.
// It records only the scenarios that have no history yet and never overwrites one: a recorded history stands
// for runs in flight, so a workflow change that alters its commands guards them with `patched()` and must
// still replay the old histories (workflows/README.md). New behaviour gets a new scenario here, recorded
// with `npm run histories:record`.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from '../../db/data-source';
import { DecisionProver } from '../../db/decision-proof';
import { SecretBox } from '../../db/secret-box';
import { ensureDatabase, startLocalPostgres } from '../../db/local-postgres';
import { callerOf, type AuthenticatedPrincipal } from '../../server/auth/principal';
import { TokenService } from '../../server/auth/token.service';
import { CatalogService } from '../../server/catalog/catalog.service';
import { DeploymentService } from '../../server/deployment/deployment.service';
import { FreezeService } from '../../server/freeze/freeze.service';
import { parseConfig } from '../../main/config';
import type { PipelineInput } from '../../server/pipeline/pipeline.types';
import { PipelineService } from '../../server/pipeline/pipeline.service';
import { runMain } from '../../main/process';
import { HoldDecisionService } from '../../server/run/hold-decision.service';
import { RunControlService } from '../../server/run/run-control.service';
import { RunService } from '../../server/run/run.service';
import { ScheduleService } from '../../server/schedule/schedule.service';
import { triggerPipelineWith } from '../../server/schedule/scheduled-trigger';
import { startTemporalDevServer } from '../../main/start/temporal-dev-server';
import {
  approvalSignal,
  holdDecisionSignal,
  pipelineRunWorkflowId,
  planDecisionSignal,
  scheduleTemporalId,
} from '../../workflows/definitions';
import { ensureSearchAttributes } from '../../workflows/search-attributes';
import { createPipelineWorker } from '../../workflows/worker';

const command = (name: string, cmd: string, runOrder = 1, maximumAttempts = 1) => ({
  name,
  kind: 'COMMAND' as const,
  runOrder,
  config: { command: cmd },
  retryPolicy: { maximumAttempts, initialIntervalMs: 100, backoffCoefficient: 1 },
});
const gate = (config: Record<string, unknown> = {}) => ({
  name: 'gate',
  kind: 'APPROVAL' as const,
  runOrder: 1,
  config,
});

interface Tools {
  dataSource: DataSource;
  temporal: Client;
  control: RunControlService;
  holds: HoldDecisionService;
  approver: AuthenticatedPrincipal;
  scratch: string;
  pipelines: PipelineService;
  catalog: CatalogService;
  /** Triggers a run of a pipeline (at a revision of its own, if given) with the scenario's hold. */
  trigger: (pipelineId: string, revision?: { sha: string; committedAt: Date }) => Promise<string>;
  runs: RunService;
  admin: AuthenticatedPrincipal;
}

/** Polls the database until `sql` returns a row. */
async function until(dataSource: DataSource, sql: string, params: unknown[]): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const rows: unknown[] = await dataSource.query(sql, params);
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for: ${sql}`);
}

const gateOpen = (t: Tools, runId: string) =>
  until(t.dataSource, `SELECT 1 FROM action_runs WHERE run_id = $1 AND status = 'WAITING_FOR_APPROVAL'`, [
    runId,
  ]);
const gateId = async (t: Tools, runId: string) => {
  const rows: Array<{ id: string }> = await t.dataSource.query(
    `SELECT id FROM action_runs WHERE run_id = $1 AND kind = 'APPROVAL'`,
    [runId],
  );
  return rows[0]!.id;
};
/** A decision signalled to Temporal directly, in someone else's name and without the API's proof. */
const forged = {
  principalId: 'f0f0f0f0-0000-4000-8000-000000000000',
  principalName: 'mallory',
  approved: true,
};
const waitingPlan = async (t: Tools, runId: string) => {
  await until(
    t.dataSource,
    `SELECT 1 FROM deployment_runs WHERE pipeline_run_id = $1 AND status = 'WAITING'`,
    [runId],
  );
  const [row]: Array<{ id: string }> = await t.dataSource.query(
    `SELECT id FROM deployment_runs WHERE pipeline_run_id = $1 AND status = 'WAITING'`,
    [runId],
  );
  return row!.id;
};

interface Scenario {
  input: PipelineInput;
  /** Seconds a failed run holds for a manual retry. */
  hold?: number;
  /** Starts the run to record (default: triggers the scenario's pipeline); earlier runs may set the scene. */
  start?: (t: Tools, pipelineId: string) => Promise<string>;
  /** What people do while the run goes on. */
  drive?: (t: Tools, runId: string) => Promise<void>;
}

/** A run into a frozen environment: a window of `seconds` declared first, then (`override`) an ADMIN's override. */
const frozenRun = (
  environmentId: string,
  seconds: number,
  override: boolean,
): Pick<Scenario, 'start' | 'drive'> => ({
  start: async (t, pipelineId) => {
    await freezeWindow(t, environmentId, seconds);
    return t.trigger(pipelineId);
  },
  ...(override && {
    drive: async (t, runId) => {
      await until(t.dataSource, 'SELECT 1 FROM freeze_holds WHERE run_id = $1', [runId]);
      await new FreezeService(t.dataSource, t.temporal).override(runId, 'recorded override', t.admin);
    },
  }),
});

/** A freeze window over an environment, from a second ago for `seconds` more. */
const freezeWindow = (t: Tools, environmentId: string, seconds: number) =>
  new FreezeService(t.dataSource, t.temporal).create(
    {
      name: 'recorded freeze',
      environmentId,
      startsAt: new Date(Date.now() - 1000),
      endsAt: new Date(Date.now() + seconds * 1000),
    },
    t.admin,
  );

const runEnded = (t: Tools, runId: string) =>
  until(
    t.dataSource,
    `SELECT 1 FROM pipeline_runs WHERE id = $1 AND status IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'SUPERSEDED')`,
    [runId],
  );
/** Publishes an artifact named after the revision, as a build would. */
const publish = (name: string) =>
  command(
    name,
    `printf '{"name":"app","version":"1.0.%s","digest":"sha256:%s"}\\n' "$LOCKSTEP_ATTEMPT" "$LOCKSTEP_REVISION" >> "$LOCKSTEP_ARTIFACTS"`,
  );
const receive = (name: string) =>
  command(name, 'echo "app $LOCKSTEP_ARTIFACT_APP_VERSION"; cat "$LOCKSTEP_ARTIFACTS_MANIFEST"');

/** What the deployment scenarios refer to: a service, a production environment, a Deployment. */
interface Catalog {
  serviceId: string;
  environmentId: string;
  deploymentId: string;
  /** Environments of their own for the releases scenarios, so what is live there is theirs alone. */
  stagingId: string;
  liveId: string;
  /** PRODUCTION environments of their own for the freeze scenarios, so their windows hold nothing else. */
  frozenId: string;
  overriddenId: string;
  heldInOneStepId: string;
  /** A Deployment whose plan needs two approvers (plan approval options). */
  twoApproversId: string;
}

function scenarios(scratch: string, catalog: Catalog): Record<string, Scenario> {
  const twoStages = (name: string, first: PipelineInput['stages'][number]['actions']): PipelineInput => ({
    name,
    stages: [
      { name: 'build', actions: first },
      { name: 'deploy', actions: [command('ship', 'echo shipped')] },
    ],
  });
  /** A build, a staging stage deploying on its own, and a production DEPLOYMENT action with a plan approval. */
  const deploymentPipeline = (name: string, deploymentId = catalog.deploymentId): PipelineInput => ({
    name,
    serviceId: catalog.serviceId,
    stages: [
      { name: 'build', actions: [command('compile', 'true')] },
      // a stage with an environment and no DEPLOYMENT action: its own deployment run
      { name: 'staging', environmentId: catalog.environmentId, actions: [command('smoke', 'true')] },
      {
        name: 'production',
        actions: [
          {
            name: 'deploy',
            kind: 'DEPLOYMENT',
            runOrder: 1,
            config: { deploymentId },
          },
        ],
      },
    ],
  });
  const approvePlan = async (t: Tools, runId: string) => {
    await until(
      t.dataSource,
      `SELECT 1 FROM deployment_runs WHERE pipeline_run_id = $1 AND status = 'WAITING'`,
      [runId],
    );
    const [row]: Array<{ id: string }> = await t.dataSource.query(
      `SELECT id FROM deployment_runs WHERE pipeline_run_id = $1 AND status = 'WAITING'`,
      [runId],
    );
    await t.control.decidePlan(row!.id, true, 'plan reviewed', t.approver);
  };
  return {
    'two-stages-parallel-outputs': {
      input: {
        name: 'two-stages',
        stages: [
          {
            name: 'build',
            maxParallel: 2,
            actions: [
              command('compile', 'echo VERSION=1.0.0 > "$LOCKSTEP_OUTPUT"'),
              command('lint', 'echo lint ok'),
              command('package', 'echo "package $VERSION"', 2),
            ],
          },
          { name: 'deploy', actions: [command('ship', 'echo "ship $VERSION"')] },
        ],
      },
    },
    'failure-hold-expires': {
      input: twoStages('fails', [command('unit', 'echo boom >&2; exit 2'), command('lint', 'true')]),
      hold: 1,
    },
    'automatic-retry-succeeds': {
      input: twoStages('auto-retry', [
        command(
          'once-failing',
          `if [ -e ${scratch}/auto ]; then echo ok; else touch ${scratch}/auto; exit 1; fi`,
          1,
          3,
        ),
      ]),
    },
    'manual-retry-after-failure': {
      input: twoStages('manual-retry', [
        command('steady', 'true'),
        command('flaky', `test -e ${scratch}/fixed`),
      ]),
      drive: async (t, runId) => {
        await until(t.dataSource, `SELECT 1 FROM pipeline_runs WHERE id = $1 AND status = 'FAILED'`, [runId]);
        await writeFile(path.join(t.scratch, 'fixed'), '');
        await t.holds.retryFailedActions(runId, t.admin);
      },
    },
    'approval-granted': {
      input: twoStages('approved', [gate({ requiredApprovals: 1 })]),
      drive: async (t, runId) => {
        await gateOpen(t, runId);
        await t.control.decide(await gateId(t, runId), true, 'looks good', t.approver);
      },
    },
    'approval-rejected': {
      input: twoStages('rejected', [gate()]),
      hold: 1,
      drive: async (t, runId) => {
        await gateOpen(t, runId);
        await t.control.decide(await gateId(t, runId), false, 'not today', t.approver);
      },
    },
    'approval-timeout': { input: twoStages('timeout', [gate({ timeoutSeconds: 1 })]), hold: 1 },
    'cancelled-while-running': {
      input: twoStages('cancelled', [command('slow', 'sleep 30')]),
      drive: async (t, runId) => {
        await until(t.dataSource, `SELECT 1 FROM action_runs WHERE run_id = $1 AND status = 'RUNNING'`, [
          runId,
        ]);
        await t.control.cancel(runId, 'recorded cancel', t.approver);
      },
    },
    'approval-proven': {
      input: twoStages('proven', [gate({ requiredApprovals: 1 })]),
      drive: async (t, runId) => {
        await gateOpen(t, runId);
        const actionRunId = await gateId(t, runId);
        await t.temporal.workflow
          .getHandle(`pipeline-run-${runId}`)
          .signal(approvalSignal, { ...forged, actionRunId, comment: 'forged' });
        await t.control.decide(actionRunId, true, 'looks good', t.approver);
      },
    },
    'deployment-plan-proven': {
      input: deploymentPipeline('deployment-proven'),
      drive: async (t, runId) => {
        const deploymentRunId = await waitingPlan(t, runId);
        await t.temporal.workflow
          .getHandle(`deployment-run-${deploymentRunId}`)
          .signal(planDecisionSignal, { ...forged, comment: 'forged' });
        await t.control.decidePlan(deploymentRunId, true, 'plan reviewed', t.approver);
      },
    },
    'deployment-plan-approved': { input: deploymentPipeline('deployment'), drive: approvePlan },
    // Tracing (patch `otel-tracing`): the SDK's workflow interceptors draw span ids from the random numbers
    // that also name child workflows, so a run with a child is the one to replay.
    'traced-deployment-plan-approved': { input: deploymentPipeline('traced-deployment'), drive: approvePlan },
    // Releases (recorded after artifacts, promotion, older-than-live and expiring gates were added).
    'artifacts-flow': {
      input: {
        name: 'artifacts-flow',
        serviceId: catalog.serviceId,
        stages: [
          { name: 'build', actions: [publish('build')] },
          { name: 'staging', environmentId: catalog.stagingId, actions: [receive('smoke')] },
        ],
      },
    },
    'promoted-run-reuses-build': {
      input: {
        name: 'promoted',
        stages: [
          { name: 'build', actions: [publish('build')] },
          { name: 'deploy', actions: [receive('ship')] },
        ],
      },
      start: async (t, pipelineId) => {
        const source = await t.pipelines.create({
          name: 'promotion-source',
          stages: [{ name: 'build', actions: [publish('build')] }],
        });
        const known = await t.trigger(source.id);
        await runEnded(t, known);
        return (await t.runs.promote(pipelineId, known, t.admin)).id;
      },
    },
    'older-than-live-stops': {
      input: {
        name: 'older-than-live',
        serviceId: catalog.serviceId,
        stages: [
          { name: 'build', actions: [command('compile', 'true')] },
          { name: 'production', environmentId: catalog.liveId, actions: [command('ship', 'true')] },
        ],
      },
      hold: 1,
      start: async (t, pipelineId) => {
        const newer = await t.trigger(pipelineId, {
          sha: 'def5678',
          committedAt: new Date('2026-02-01T00:00:00Z'),
        });
        await runEnded(t, newer);
        return t.trigger(pipelineId); // the default revision is older: it stops at production
      },
    },
    // Decisions after failure (issue 15): a forged skip refused, then a proven one; a stage retried whole;
    // a rerun that reuses its earlier stage.
    'skip-failed-actions': {
      input: twoStages('skip-failed', [
        command('unit', 'echo flaky >&2; exit 1'),
        command('lint', 'true'),
        command('package', 'echo packaged', 2),
      ]),
      drive: async (t, runId) => {
        await until(t.dataSource, `SELECT 1 FROM pipeline_runs WHERE id = $1 AND status = 'FAILED'`, [runId]);
        await t.temporal.workflow
          .getHandle(pipelineRunWorkflowId(runId))
          .signal(holdDecisionSignal, { ...forged, kind: 'SKIP_FAILED', reason: 'forged' });
        await t.holds.skipFailedActions(runId, 'known flaky test, tracked', t.approver);
      },
    },
    'retry-stage': {
      input: twoStages('retry-stage', [
        command('steady', 'true'),
        command('flaky', `test -e ${scratch}/stage-fixed`),
      ]),
      drive: async (t, runId) => {
        await until(t.dataSource, `SELECT 1 FROM pipeline_runs WHERE id = $1 AND status = 'FAILED'`, [runId]);
        await writeFile(path.join(t.scratch, 'stage-fixed'), '');
        await t.holds.retryStage(runId, t.admin);
      },
    },
    'rerun-from-stage': {
      input: {
        name: 'rerun',
        stages: [
          { name: 'build', actions: [publish('build')] },
          { name: 'deploy', actions: [receive('ship')] },
        ],
      },
      start: async (t, pipelineId) => {
        const earlier = await t.trigger(pipelineId);
        await runEnded(t, earlier);
        const [deploy]: Array<{ id: string }> = await t.dataSource.query(
          `SELECT id FROM stage_runs WHERE run_id = $1 AND name = 'deploy'`,
          [earlier],
        );
        return (await t.runs.rerunFromStage(earlier, deploy!.id, false, t.admin)).id;
      },
    },
    'superseded-gate-expires': {
      input: {
        name: 'superseded-gate',
        executionMode: 'SUPERSEDED',
        stages: [{ name: 'production', actions: [gate()] }],
      },
      drive: async (t, runId) => {
        await gateOpen(t, runId);
        const [row]: Array<{ pipeline_id: string }> = await t.dataSource.query(
          'SELECT pipeline_id FROM pipeline_runs WHERE id = $1',
          [runId],
        );
        const newer = await t.trigger(row!.pipeline_id);
        await runEnded(t, runId);
        await gateOpen(t, newer);
        await t.control.cancel(newer, 'recorded: only the superseded run matters', t.approver);
      },
    },
    'freeze-held-released': {
      input: {
        name: 'freeze-held',
        stages: [
          { name: 'build', actions: [command('compile', 'true')] },
          { name: 'production', environmentId: catalog.frozenId, actions: [command('ship', 'true')] },
        ],
      },
      // A window of a few seconds: the run waits BLOCKED, then goes on by itself when it ends.
      ...frozenRun(catalog.frozenId, 4, false),
    },
    'freeze-overridden': {
      input: {
        name: 'freeze-overridden',
        stages: [
          { name: 'build', actions: [command('compile', 'true')] },
          { name: 'production', environmentId: catalog.overriddenId, actions: [command('ship', 'true')] },
        ],
      },
      ...frozenRun(catalog.overriddenId, 3600, true),
    },
    // A freeze held and overridden once events are written with their state (FREEZE_HELD and the run's
    // WAITING in one step).
    'freeze-held-in-one-step': {
      input: {
        name: 'freeze-held-in-one-step',
        stages: [
          { name: 'production', environmentId: catalog.heldInOneStepId, actions: [command('ship', 'true')] },
        ],
      },
      ...frozenRun(catalog.heldInOneStepId, 3600, true),
    },
    // Approval outcomes (recorded after a timeout decided TIMED_OUT and plan approvals took a gate's options).
    'approval-timed-out': { input: twoStages('timed-out', [gate({ timeoutSeconds: 1 })]), hold: 1 },
    // The same once events are written with their state: TIMED_OUT with the stage's and the run's status.
    'approval-timed-out-in-one-step': {
      input: twoStages('timed-out-in-one-step', [gate({ timeoutSeconds: 1 })]),
      hold: 1,
    },
    'plan-approval-two-approvers': {
      input: deploymentPipeline('plan-two-approvers', catalog.twoApproversId),
      drive: async (t, runId) => {
        const deploymentRunId = await waitingPlan(t, runId);
        const second = callerOf(await new TokenService(t.dataSource).create('second-approver', 'APPROVER'));
        await t.control.decidePlan(deploymentRunId, true, 'first of two', t.approver);
        await t.control.decidePlan(deploymentRunId, true, 'second of two', second);
      },
    },
    'blocked-transition': {
      input: twoStages('blocked', [command('compile', 'true')]),
      drive: async (t, runId) => {
        const [stage]: Array<{ id: string }> = await t.dataSource.query(
          `SELECT s.id FROM stages s JOIN pipeline_runs r ON r.pipeline_id = s.pipeline_id WHERE r.id = $1 AND s.name = 'deploy'`,
          [runId],
        );
        // Disabled before the run reaches it: the run blocks, then goes on when it is enabled.
        await t.control.setStageTransition(stage!.id, false, 'recorded freeze');
        await until(t.dataSource, `SELECT 1 FROM stage_runs WHERE run_id = $1 AND status = 'BLOCKED'`, [
          runId,
        ]);
        await t.control.setStageTransition(stage!.id, true, null);
      },
    },
    // Commands whose attempts record the action's start and success themselves (patch
    // engine-command-attempt-records-action): outputs handed on, a failed attempt retried, a cancel.
    'attempt-records-action': {
      input: twoStages('attempt-records', [
        command('compile', 'echo VERSION=2.0.0 > "$LOCKSTEP_OUTPUT"'),
        command('once-failing', '[ "$LOCKSTEP_ATTEMPT" -gt 1 ] && echo "ok $VERSION"', 2, 3),
      ]),
    },
    'attempt-cancelled-while-running': {
      input: twoStages('attempt-cancelled', [command('slow', 'sleep 30')]),
      drive: async (t, runId) => {
        await until(t.dataSource, `SELECT 1 FROM action_runs WHERE run_id = $1 AND status = 'RUNNING'`, [
          runId,
        ]);
        await t.control.cancel(runId, 'recorded cancel', t.approver);
      },
    },
    // An approval gate and a blocked transition, each written as one step with its event (recorded after
    // the events-after-state patch).
    // The run's bookkeeping folded (patch engine-fold-bookkeeping): its start with the first boundary read
    // and stage start, the last stage's success with its own; a first transition disabled at arrival; a
    // failed last stage retried.
    'fold-bookkeeping': { input: twoStages('fold-bookkeeping', [command('compile', 'true')]) },
    'fold-bookkeeping-blocked': {
      input: twoStages('fold-bookkeeping-blocked', [command('compile', 'true')]),
      start: async (t, pipelineId) => {
        const [stage]: Array<{ id: string }> = await t.dataSource.query(
          `SELECT id FROM stages WHERE pipeline_id = $1 AND name = 'build'`,
          [pipelineId],
        );
        await t.control.setStageTransition(stage!.id, false, 'recorded freeze');
        const runId = await t.trigger(pipelineId);
        await until(t.dataSource, `SELECT 1 FROM stage_runs WHERE run_id = $1 AND status = 'BLOCKED'`, [
          runId,
        ]);
        await t.control.setStageTransition(stage!.id, true, null);
        return runId;
      },
    },
    'fold-bookkeeping-retried': {
      input: {
        name: 'fold-bookkeeping-retried',
        stages: [
          { name: 'build', actions: [command('compile', 'true')] },
          { name: 'deploy', actions: [command('flaky', `test -e ${scratch}/fold-fixed`)] },
        ],
      },
      drive: async (t, runId) => {
        await until(t.dataSource, `SELECT 1 FROM pipeline_runs WHERE id = $1 AND status = 'FAILED'`, [runId]);
        await writeFile(path.join(t.scratch, 'fold-fixed'), '');
        await t.holds.retryFailedActions(runId, t.admin);
      },
    },
    'events-after-state': {
      input: twoStages('events-after-state', [gate({ requiredApprovals: 1 })]),
      drive: async (t, runId) => {
        const [stage]: Array<{ id: string }> = await t.dataSource.query(
          `SELECT s.id FROM stages s JOIN pipeline_runs r ON r.pipeline_id = s.pipeline_id WHERE r.id = $1 AND s.name = 'deploy'`,
          [runId],
        );
        await t.control.setStageTransition(stage!.id, false, 'recorded freeze');
        await gateOpen(t, runId);
        await t.control.decide(await gateId(t, runId), true, 'looks good', t.approver);
        await until(t.dataSource, `SELECT 1 FROM stage_runs WHERE run_id = $1 AND status = 'BLOCKED'`, [
          runId,
        ]);
        await t.control.setStageTransition(stage!.id, true, null);
      },
    },
  };
}

runMain('record-histories', async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = parseConfig(process.env);
  const cli = config.temporal.cliPath;
  if (!cli)
    throw new Error('recording needs the Temporal CLI: set TEMPORAL_CLI_PATH or put `temporal` on PATH');
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'lockstep-record-'));
  await chmod(scratch, 0o755);
  const stops: Array<() => Promise<void>> = [];
  try {
    let databaseUrl = config.databaseUrl;
    if (databaseUrl) {
      const url = new URL(databaseUrl);
      const name = `lockstep_record_${randomBytes(4).toString('hex')}`;
      await ensureDatabase(databaseUrl, name);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
    } else {
      const pg = await startLocalPostgres({
        dataDir: path.join(scratch, 'postgres'),
        port: 20000 + Math.floor(Math.random() * 20000),
      });
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }
    let address = config.temporal.address;
    if (!address) {
      const server = await startTemporalDevServer({ cliPath: cli });
      stops.push(server.stop);
      address = server.address;
    }
    const dataSource = createDataSource({ url: databaseUrl });
    await dataSource.initialize();
    stops.push(() => dataSource.destroy());
    await migrate(dataSource);
    const taskQueue = `record-${randomBytes(4).toString('hex')}`;
    // The worker and the API share a key, so decisions on gates carry proofs the worker can check.
    const secretBox = SecretBox.fromBase64(SecretBox.generateKey());
    const nativeConnection = await NativeConnection.connect({ address });
    const connection = await Connection.connect({ address });
    const client = new Client({ connection });
    await ensureSearchAttributes(connection, 'default');
    const worker = await createPipelineWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      dataSource,
      temporal: client,
      commandBaseEnv: config.commandEnv,
      commandUids: config.commandUids,
      logLimitBytes: config.logLimitBytes,
      secretBox,
      publicUrl: config.publicUrl,
      triggerPipeline: triggerPipelineWith(new RunService(dataSource, client, taskQueue, 60)),
    });
    const running = worker.run();
    const tokens = new TokenService(dataSource);
    const admin = callerOf(await tokens.create('recorder', 'ADMIN'));
    const approver = callerOf(await tokens.create('approver', 'APPROVER'));
    const pipelines = new PipelineService(dataSource);
    const catalogService = new CatalogService(dataSource);
    const service = await catalogService.createService({ name: 'recorded-service' });
    const environment = await catalogService.createEnvironment({
      name: 'recorded-production',
      tier: 'PRODUCTION',
    });
    const deployment = await new DeploymentService(dataSource, client, taskQueue).create({
      name: 'recorded-deployment',
      serviceId: service.id,
      environmentId: environment.id,
      planCommand: 'echo plan',
      applyCommand: 'echo apply',
      requirePlanApproval: true,
    });
    const environmentOf = async (name: string) =>
      (await catalogService.createEnvironment({ name, tier: 'PRODUCTION' })).id;
    const catalog = {
      serviceId: service.id,
      environmentId: environment.id,
      deploymentId: deployment.id,
      stagingId: await environmentOf('recorded-staging'),
      liveId: await environmentOf('recorded-live'),
      frozenId: await environmentOf('recorded-frozen'),
      overriddenId: await environmentOf('recorded-overridden'),
      heldInOneStepId: await environmentOf('recorded-held-in-one-step'),
      twoApproversId: (
        await new DeploymentService(dataSource, client, taskQueue).create({
          name: 'recorded-two-approvers',
          serviceId: service.id,
          environmentId: environment.id,
          planCommand: 'echo plan',
          applyCommand: 'echo apply',
          requirePlanApproval: true,
          planApproval: { requiredApprovals: 2 },
        })
      ).id,
    };
    const show = (workflowId: string) =>
      // The Temporal CLI writes the canonical JSON form that historyFromJSON reads back.
      execFileSync(
        cli,
        ['workflow', 'show', '--address', address, '--workflow-id', workflowId, '--output', 'json'],
        {
          maxBuffer: 64 * 1024 * 1024,
        },
      );
    try {
      for (const [name, scenario] of Object.entries(scenarios(scratch, catalog))) {
        const file = path.join(__dirname, '..', 'histories', `${name}.json`);
        if (existsSync(file)) {
          console.log(`${name}: kept ${path.relative(process.cwd(), file)}`);
          continue;
        }
        const pipeline = await pipelines.create(scenario.input);
        const runs = new RunService(dataSource, client, taskQueue, scenario.hold ?? 60);
        const tools: Tools = {
          dataSource,
          temporal: client,
          control: new RunControlService(dataSource, client, DecisionProver.from(secretBox)),
          holds: new HoldDecisionService(dataSource, client, DecisionProver.from(secretBox)),
          approver,
          scratch,
          pipelines,
          catalog: catalogService,
          runs,
          admin,
          trigger: async (pipelineId, revision) =>
            (
              await runs.trigger(
                pipelineId,
                revision ?? { sha: 'abc1234', committedAt: new Date('2026-01-01T00:00:00Z') },
                [],
                admin,
              )
            ).id,
        };
        const runId = await (scenario.start ?? ((t, id) => t.trigger(id)))(tools, pipeline.id);
        const run = { id: runId, temporalWorkflowId: pipelineRunWorkflowId(runId) };
        await scenario.drive?.(tools, run.id);
        const handle = client.workflow.getHandle(run.temporalWorkflowId);
        const outcome = await handle.result().then(
          (result) => result.status,
          (error: Error) => error.message,
        );
        await writeFile(file, show(run.temporalWorkflowId));
        // Child workflows (DEPLOYMENT actions) are recorded beside their parent.
        const children: Array<{ id: string }> = await dataSource.query(
          'SELECT id FROM deployment_runs WHERE action_run_id IS NOT NULL AND pipeline_run_id = $1 ORDER BY started_at',
          [run.id],
        );
        for (const [i, child] of children.entries()) {
          await writeFile(
            file.replace(/\.json$/, `.child-${i + 1}.json`),
            show(`deployment-run-${child.id}`),
          );
        }
        console.log(`${name}: ${outcome} -> ${path.relative(process.cwd(), file)}`);
      }
      await recordScheduledTick({ dataSource, client, taskQueue, admin, pipelines, show });
    } finally {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
    await rm(scratch, { recursive: true, force: true });
  }
});

/**
 * One tick of a pipeline's Temporal Schedule, fired with trigger-now: its small workflow decides the
 * revision (the last successful run's) and triggers the pipeline.
 */
async function recordScheduledTick(t: {
  dataSource: DataSource;
  client: Client;
  taskQueue: string;
  admin: AuthenticatedPrincipal;
  pipelines: PipelineService;
  show: (workflowId: string) => Buffer;
}): Promise<void> {
  const file = path.join(__dirname, '..', 'histories', 'scheduled-tick-triggers.json');
  if (existsSync(file))
    return console.log(`scheduled-tick-triggers: kept ${path.relative(process.cwd(), file)}`);
  const pipeline = await t.pipelines.create({
    name: 'scheduled-tick-triggers',
    stages: [{ name: 'build', actions: [command('compile', 'true')] }],
  });
  const runs = new RunService(t.dataSource, t.client, t.taskQueue, 60);
  const known = await runs.trigger(
    pipeline.id,
    { sha: 'abc1234', committedAt: new Date('2026-01-01T00:00:00Z') },
    [],
    t.admin,
  );
  await t.client.workflow.getHandle(pipelineRunWorkflowId(known.id)).result();
  const schedule = await new ScheduleService(t.dataSource, t.client, t.taskQueue).create(
    pipeline.id,
    '0 3 * * 1-5',
    'UTC',
    t.admin,
  );
  const handle = t.client.schedule.getHandle(scheduleTemporalId(schedule.id));
  await handle.trigger();
  let tickId: string | undefined;
  while (!tickId) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    tickId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
  }
  const outcome = await t.client.workflow.getHandle(tickId).result();
  await handle.delete();
  await writeFile(file, t.show(tickId));
  console.log(`scheduled-tick-triggers: ${JSON.stringify(outcome)} -> ${path.relative(process.cwd(), file)}`);
}
