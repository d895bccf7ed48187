import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from './activities';
import {
  activityProfiles,
  approvalSignal,
  cancelReasonSignal,
  deploymentPlanSignal,
  deploymentRunWorkflowId,
  deploymentRunWorkflowType,
  laneGrantedSignal,
  retryFailedActionsSignal,
  runSearchAttributes,
  runStateQuery,
  supersedeSignal,
  transitionChangedSignal,
  type ActionContext,
  type ActionPlan,
  type ApprovalConfig,
  type CommandConfig,
  type DeploymentPlanNews,
  type DeploymentRunInput,
  type DeploymentRunResult,
  type EventRecord,
  type HttpConfig,
  type PipelineRunInput,
  type PipelineRunResult,
  type RunChange,
  type RunStateView,
  type StagePlan,
  type WaitConfig,
} from './definitions';
import { ApprovalGate, describeDecision, describeRejection, now, reasonOf } from './workflow-kit';

const {
  recordRunChange,
  recordRunChanges,
  recordApproval,
  readBoundary,
  claimLane,
  releaseLane,
  openDeploymentRun,
  recordDeploymentChange,
} = proxyLocalActivities<Activities>(activityProfiles.bookkeeping);

type ActionStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'REJECTED';
type ActionOutcome =
  { ok: true; outputs: Record<string, string> } | { ok: false; reason: string; rejected: boolean };

/** Ends the run early: it was superseded by a newer one while waiting at a boundary. */
class Superseded extends Error {
  constructor(readonly byRunId: string) {
    super(`superseded by run ${byRunId}`);
  }
}

/** Runs `work` over `items` with at most `limit` in flight, keeping each result at its item's index. */
async function boundedAll<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** A stage's actions grouped by runOrder, ascending. */
function actionGroups(stage: StagePlan): ActionPlan[][] {
  const byOrder = new Map<number, ActionPlan[]>();
  for (const action of stage.actions)
    byOrder.set(action.runOrder, [...(byOrder.get(action.runOrder) ?? []), action]);
  return [...byOrder.entries()].sort(([a], [b]) => a - b).map(([, actions]) => actions);
}

/**
 * One pipeline run (PRODUCT.md, run semantics). Stages run in order; inside a stage, action groups by
 * ascending runOrder, the actions of a group in parallel (at most maxParallel). A failed group lets its
 * siblings finish and stops the line; the run then waits for a manual retry of the failed actions until its
 * hold expires. Approval gates, deployment plan approvals, disabled transitions and the pipeline's lane
 * wait on signals. DEPLOYMENT actions run their Deployment as a child workflow.
 */
export async function pipelineRunWorkflow(input: PipelineRunInput): Promise<PipelineRunResult> {
  const ids = { runId: input.runId, pipelineId: input.pipelineId };
  const stages = [...input.plan.stages].sort((a, b) => a.position - b.position);
  const usesLane = input.executionMode !== 'PARALLEL';

  let eventCount = 0;
  const event = (type: EventRecord['type'], details: Partial<EventRecord> = {}): EventRecord => ({
    key: `wf:${++eventCount}`,
    type,
    stageName: null,
    actionName: null,
    message: null,
    at: now(),
    ...details,
  });
  const project = (change: RunChange) => recordRunChange(change);

  // State the handlers and the query read.
  let status: RunStateView['status'] = 'QUEUED';
  const actionStatus = new Map<string, ActionStatus>();
  const finishedStages = new Set<string>();
  const executions = new Map<string, number>();
  const gates = new Map<string, ApprovalGate>();
  const plans = new Map<string, DeploymentPlanNews>();
  const transitions = new Map<string, boolean>();
  let blockedAtStageId: string | null = null;
  let laneGranted = false;
  let supersededBy: string | null = null;
  let retryRequested = false;
  let retryable = false;
  let cancelReason: string | null = null;
  /** Outputs published by earlier actions, handed to later ones as environment variables. */
  const outputs: Record<string, string> = {};

  setHandler(approvalSignal, (decision) => void gates.get(decision.actionRunId)?.offer(decision));
  setHandler(deploymentPlanSignal, (news) => void plans.set(news.deploymentRunId, news));
  setHandler(retryFailedActionsSignal, () => {
    if (retryable) retryRequested = true;
  });
  setHandler(transitionChangedSignal, (change) => void transitions.set(change.stageId, change.enabled));
  setHandler(laneGrantedSignal, () => void (laneGranted = true));
  setHandler(supersedeSignal, ({ byRunId }) => void (supersededBy ??= byRunId));
  setHandler(cancelReasonSignal, ({ reason }) => void (cancelReason = reason));
  setHandler(runStateQuery, () => ({
    status,
    openApprovals: [...gates.entries()]
      .filter(([, gate]) => !gate.closed)
      .map(([actionRunId, gate]) => ({
        actionRunId,
        approverIds: [...gate.approvers],
        requiredApprovals: gate.rules.requiredApprovals,
      })),
    blockedAtStageId,
    retryable,
  }));

  async function setRunStatus(
    next: RunStateView['status'],
    evt?: EventRecord,
    failureReason?: string | null,
  ) {
    status = next;
    upsertSearchAttributes([{ key: runSearchAttributes.status, value: next }]);
    await project({ target: 'run', ...ids, status: next, at: now(), failureReason, event: evt });
  }

  /**
   * People the run waits for (approval gates, deployment plans), counted per stage. Statuses follow the
   * counts: a stage with a wait is WAITING, and so is the run while any stage waits. Writes go one at a
   * time and read the counts when they run, so concurrent waits always end in the right status.
   */
  const waits = new Map<string, number>();
  let waitWrites: Promise<void> = Promise.resolve();
  function syncWaitStatus(stage: StagePlan): Promise<void> {
    waitWrites = waitWrites.then(async () => {
      const stageWaiting = (waits.get(stage.stageRunId) ?? 0) > 0;
      await project({
        target: 'stage',
        ...ids,
        stageRunId: stage.stageRunId,
        status: stageWaiting ? 'WAITING' : 'RUNNING',
        at: now(),
      });
      const runStatus = [...waits.values()].some((n) => n > 0) ? 'WAITING' : 'RUNNING';
      if (status !== runStatus) await setRunStatus(runStatus);
    });
    return waitWrites;
  }
  const beginWait = (stage: StagePlan) => {
    waits.set(stage.stageRunId, (waits.get(stage.stageRunId) ?? 0) + 1);
    return syncWaitStatus(stage);
  };
  const endWait = (stage: StagePlan) => {
    waits.set(stage.stageRunId, (waits.get(stage.stageRunId) ?? 1) - 1);
    return syncWaitStatus(stage);
  };

  /** How often a waiting run re-reads what signals tell it, in case one was lost. */
  const recheck = '30 seconds';

  /** Waits for the pipeline's lane (QUEUED and SUPERSEDED modes); throws Superseded if replaced meanwhile. */
  async function enterLane(): Promise<void> {
    if (!usesLane) return;
    laneGranted = false; // before the claim: a grant signalled while it is under way must count
    for (;;) {
      const claim = await claimLane({ ...ids, executionMode: input.executionMode });
      if (claim.granted) laneGranted = true;
      if (claim.supersededBy) supersededBy ??= claim.supersededBy;
      if (!laneGranted && !supersededBy) await condition(() => laneGranted || supersededBy !== null, recheck);
      if (laneGranted) return;
      if (supersededBy) throw new Superseded(supersededBy);
    }
  }

  async function leaveLane(): Promise<void> {
    if (usesLane) await releaseLane(ids);
    laneGranted = false;
  }

  /**
   * Waits while the transition into `stage` is disabled (BLOCKED). The flag is read on arrival, not taken
   * from the trigger; while blocked, the run wakes on the transition signal and re-reads the boundary
   * periodically (a lost signal, an edit through updatePipeline). A SUPERSEDED-mode run blocked here ends
   * when a newer run replaces it.
   */
  async function passTransition(stage: StagePlan): Promise<void> {
    const request = { ...ids, executionMode: input.executionMode, stageId: stage.stageId };
    transitions.delete(stage.stageId);
    let boundary = await readBoundary(request);
    if (boundary.enabled) return;
    blockedAtStageId = stage.stageId;
    const message = boundary.reason ? `transition disabled: ${boundary.reason}` : 'transition disabled';
    await project({
      target: 'stage',
      ...ids,
      stageRunId: stage.stageRunId,
      status: 'BLOCKED',
      at: now(),
      event: event('TRANSITION_BLOCKED', { stageName: stage.name, message }),
    });
    await setRunStatus('WAITING');
    while (!boundary.enabled) {
      if (boundary.supersededBy) supersededBy ??= boundary.supersededBy;
      const woken = await condition(
        () => transitions.get(stage.stageId) === true || supersededBy !== null,
        recheck,
      );
      if (supersededBy) throw new Superseded(supersededBy);
      if (woken) break;
      boundary = await readBoundary(request);
    }
    blockedAtStageId = null;
    await setRunStatus('RUNNING');
  }

  async function awaitApproval(
    stage: StagePlan,
    action: ActionPlan,
    context: ActionContext,
  ): Promise<ActionOutcome> {
    const config = action.config as ApprovalConfig;
    const gate = new ApprovalGate({
      requiredApprovals: config.requiredApprovals ?? 1,
      allowSelfApproval: config.allowSelfApproval ?? false,
      triggeredById: input.triggeredById,
    });
    gates.set(action.actionRunId, gate);
    const where = { stageName: stage.name, actionName: action.name };
    await project({
      target: 'action',
      ...ids,
      actionRunId: action.actionRunId,
      status: 'WAITING_FOR_APPROVAL',
      at: now(),
      event: event('APPROVAL_REQUESTED', { ...where, message: config.instructions ?? null }),
    });
    await beginWait(stage);

    const deadline = config.timeoutSeconds ? Date.now() + config.timeoutSeconds * 1000 : undefined;
    while (!gate.closed || gate.pending.length > 0) {
      for (const decision of gate.pending.splice(0)) {
        await recordApproval({
          ...ids,
          actionRunId: action.actionRunId,
          execution: context.execution,
          decision,
          at: now(),
          event: event(decision.approved ? 'APPROVAL_GRANTED' : 'APPROVAL_REJECTED', {
            ...where,
            message: describeDecision(decision),
          }),
        });
      }
      if (gate.closed) break;
      const remaining = deadline === undefined ? undefined : deadline - Date.now();
      if (remaining !== undefined && remaining <= 0) gate.expire();
      else if (remaining === undefined) await condition(() => gate.pending.length > 0);
      else await condition(() => gate.pending.length > 0, remaining);
    }
    gates.delete(action.actionRunId);
    await endWait(stage);
    if (!gate.approved) {
      const reason = gate.rejection
        ? describeRejection(gate.rejection)
        : `approval timed out after ${config.timeoutSeconds} s`;
      await project({
        target: 'action',
        ...ids,
        actionRunId: action.actionRunId,
        status: 'REJECTED',
        at: now(),
        failureReason: reason,
        // A person's rejection raised its event when it was recorded; a timeout raises its own.
        event: gate.rejection ? undefined : event('APPROVAL_REJECTED', { ...where, message: reason }),
      });
      return { ok: false, reason, rejected: true };
    }
    await project({
      target: 'action',
      ...ids,
      actionRunId: action.actionRunId,
      status: 'SUCCEEDED',
      at: now(),
      event: event('ACTION_SUCCEEDED', where),
    });
    return { ok: true, outputs: {} };
  }

  /**
   * A DEPLOYMENT action: its Deployment runs as a child workflow, which produces the Deployment Run. While
   * the child's plan waits for approval, the action waits for approval too (and the run shows WAITING).
   */
  async function runDeployment(
    stage: StagePlan,
    action: ActionPlan,
  ): Promise<{ outputs: Record<string, string> }> {
    if (!action.deployment) {
      throw ApplicationFailure.nonRetryable(
        `action "${action.name}" has no deployment snapshot`,
        'InvalidPlan',
      );
    }
    const deploymentRunId = uuid4();
    const where = { stageName: stage.name, actionName: action.name };
    const childInput: DeploymentRunInput = {
      deploymentRunId,
      deployment: action.deployment,
      revision: input.revision,
      triggeredById: input.triggeredById,
      isRollback: input.isRollback,
      parent: {
        workflowId: workflowInfo().workflowId,
        runId: input.runId,
        pipelineId: input.pipelineId,
        stageRunId: stage.stageRunId,
        actionRunId: action.actionRunId,
      },
      retryPolicy: action.retryPolicy,
      timeoutSeconds: action.timeoutSeconds,
      env: { ...outputs },
    };
    const child = await startChild(deploymentRunWorkflowType, {
      workflowId: deploymentRunWorkflowId(deploymentRunId),
      args: [childInput],
      cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    });
    let result: DeploymentRunResult | undefined;
    let failure: Error | undefined;
    const done = (child.result() as Promise<DeploymentRunResult>).then(
      (value) => void (result = value),
      (error: unknown) =>
        void (failure = error instanceof Error ? error : new Error('deployment run failed')),
    );
    let waiting = false;
    const news = () => plans.get(deploymentRunId);
    try {
      while (result === undefined && failure === undefined) {
        await condition(
          () => result !== undefined || failure !== undefined || (news()?.waiting ?? false) !== waiting,
        );
        const latest = news();
        if (!latest || latest.waiting === waiting) continue;
        waiting = latest.waiting;
        if (waiting) {
          await project({
            target: 'action',
            ...ids,
            actionRunId: action.actionRunId,
            status: 'WAITING_FOR_APPROVAL',
            at: now(),
            event: event('APPROVAL_REQUESTED', {
              ...where,
              message: `plan of deployment "${action.deployment.name}"`,
            }),
          });
          await beginWait(stage);
        } else {
          const decision = latest.decision;
          await project({
            target: 'action',
            ...ids,
            actionRunId: action.actionRunId,
            status: 'RUNNING',
            at: now(),
            event: decision
              ? event(decision.approved ? 'APPROVAL_GRANTED' : 'APPROVAL_REJECTED', {
                  ...where,
                  message: describeDecision(decision),
                })
              : undefined,
          });
          await endWait(stage);
        }
      }
    } catch (error) {
      // Cancelled: the child is being cancelled with us; wait until it has closed its deployment run.
      if (isCancellation(error)) await CancellationScope.nonCancellable(() => done);
      throw error;
    }
    await done;
    if (waiting) await endWait(stage);
    if (failure) throw failure;
    if (result!.status !== 'SUCCEEDED') {
      throw ApplicationFailure.nonRetryable(
        result!.failureReason ?? `deployment ${result!.status}`,
        'DeploymentFailed',
      );
    }
    return { outputs: {} };
  }

  async function runAction(stage: StagePlan, action: ActionPlan): Promise<ActionOutcome> {
    actionStatus.delete(action.actionRunId);
    const execution = (executions.get(action.actionRunId) ?? 0) + 1;
    executions.set(action.actionRunId, execution);
    const context: ActionContext = {
      ...ids,
      actionRunId: action.actionRunId,
      stageName: stage.name,
      actionName: action.name,
      execution,
    };
    if (action.kind === 'APPROVAL') return awaitApproval(stage, action, context);

    const where = { stageName: stage.name, actionName: action.name };
    await project({
      target: 'action',
      ...ids,
      actionRunId: action.actionRunId,
      status: 'RUNNING',
      at: now(),
      event: event('ACTION_STARTED', where),
    });
    try {
      const result =
        action.kind === 'DEPLOYMENT'
          ? await runDeployment(stage, action)
          : await executeAction(input, stage, context, action, outputs);
      await project({
        target: 'action',
        ...ids,
        actionRunId: action.actionRunId,
        status: 'SUCCEEDED',
        at: now(),
        outputs: result.outputs,
        event: event('ACTION_SUCCEEDED', where),
      });
      return { ok: true, outputs: result.outputs };
    } catch (error) {
      if (isCancellation(error)) throw error;
      const reason = reasonOf(error);
      await project({
        target: 'action',
        ...ids,
        actionRunId: action.actionRunId,
        status: 'FAILED',
        at: now(),
        failureReason: reason,
        event: event('ACTION_FAILED', { ...where, message: reason }),
      });
      return { ok: false, reason, rejected: false };
    }
  }

  /**
   * A stage with an environment and no DEPLOYMENT action deploys the pipeline's service there itself: it
   * gets a Deployment Run of its own, open while the stage runs (DORA.md, "Facts").
   */
  async function openStageDeployment(stage: StagePlan): Promise<string | null> {
    if (!stage.environmentId || !input.serviceId || stage.actions.some((a) => a.kind === 'DEPLOYMENT'))
      return null;
    const deploymentRunId = uuid4();
    await openDeploymentRun({
      id: deploymentRunId,
      deploymentId: null,
      serviceId: input.serviceId,
      environmentId: stage.environmentId,
      revision: input.revision,
      pipelineRunId: input.runId,
      stageRunId: stage.stageRunId,
      actionRunId: null,
      triggeredById: input.triggeredById,
      isRollback: input.isRollback,
      temporalWorkflowId: null,
      status: 'RUNNING',
      startedAt: now(),
    });
    return deploymentRunId;
  }

  /** Runs the actions of a stage that have not succeeded yet; returns the failure reason, or null. */
  async function runStage(stage: StagePlan): Promise<string | null> {
    finishedStages.delete(stage.stageRunId);
    await project({
      target: 'stage',
      ...ids,
      stageRunId: stage.stageRunId,
      status: 'RUNNING',
      at: now(),
      event: event('STAGE_STARTED', { stageName: stage.name }),
    });
    const deploymentRunId = await openStageDeployment(stage);
    const groups = actionGroups(stage).map((group) =>
      group.filter((a) => actionStatus.get(a.actionRunId) !== 'SUCCEEDED'),
    );
    try {
      for (const [index, group] of groups.entries()) {
        const outcomes = await boundedAll(group, stage.maxParallel, async (action) => {
          const outcome = await runAction(stage, action);
          // Known at once, not after the group: a cancel meanwhile must not overwrite this outcome.
          actionStatus.set(
            action.actionRunId,
            outcome.ok ? 'SUCCEEDED' : outcome.rejected ? 'REJECTED' : 'FAILED',
          );
          return outcome;
        });
        const failures: string[] = [];
        outcomes.forEach((outcome, i) => {
          const action = group[i]!;
          if (outcome.ok) {
            Object.assign(outputs, outcome.outputs);
          } else {
            failures.push(
              `action "${action.name}" ${outcome.rejected ? 'was ' : 'failed: '}${outcome.reason}`,
            );
          }
        });
        if (failures.length > 0) {
          const skipped = groups.slice(index + 1).flat();
          if (skipped.length > 0) {
            await recordRunChanges(
              skipped.map((later) => ({
                target: 'action',
                ...ids,
                actionRunId: later.actionRunId,
                status: 'SKIPPED',
                at: now(),
              })),
            );
          }
          const reason = failures.join('; ');
          finishedStages.add(stage.stageRunId);
          const failedAt = now();
          if (deploymentRunId) {
            await recordDeploymentChange({
              deploymentRunId,
              status: 'FAILED',
              at: failedAt,
              failureReason: reason,
            });
          }
          await project({
            target: 'stage',
            ...ids,
            stageRunId: stage.stageRunId,
            status: 'FAILED',
            at: failedAt,
            failureReason: reason,
            event: event('STAGE_FAILED', { stageName: stage.name, message: reason }),
          });
          return reason;
        }
      }
    } catch (error) {
      if (deploymentRunId && isCancellation(error)) {
        await CancellationScope.nonCancellable(() =>
          recordDeploymentChange({
            deploymentRunId,
            status: 'CANCELLED',
            at: now(),
            failureReason: 'cancelled',
          }),
        );
      }
      throw error;
    }
    finishedStages.add(stage.stageRunId);
    const finishedAt = now(); // the stage's deployment finishes when the stage does
    if (deploymentRunId)
      await recordDeploymentChange({ deploymentRunId, status: 'SUCCEEDED', at: finishedAt });
    await project({
      target: 'stage',
      ...ids,
      stageRunId: stage.stageRunId,
      status: 'SUCCEEDED',
      at: finishedAt,
      event: event('STAGE_SUCCEEDED', { stageName: stage.name }),
    });
    return null;
  }

  /** Marks what never ran (or did not finish) when the run ends early. */
  async function closeUnfinished(
    from: number,
    stageStatus: 'SKIPPED' | 'CANCELLED',
    actionStatusFor: (action: ActionPlan) => 'SKIPPED' | 'CANCELLED' | null,
  ) {
    const changes: RunChange[] = [];
    for (const stage of stages.slice(from)) {
      if (finishedStages.has(stage.stageRunId)) continue;
      for (const action of stage.actions) {
        const next = actionStatusFor(action);
        if (next)
          changes.push({
            target: 'action',
            ...ids,
            actionRunId: action.actionRunId,
            status: next,
            at: now(),
          });
      }
      changes.push({ target: 'stage', ...ids, stageRunId: stage.stageRunId, status: stageStatus, at: now() });
    }
    if (changes.length > 0) await recordRunChanges(changes);
  }

  let index = 0;
  try {
    await enterLane();
    await setRunStatus('RUNNING', event('RUN_STARTED'));
    while (index < stages.length) {
      const stage = stages[index]!;
      await passTransition(stage);
      const failure = await runStage(stage);
      if (failure === null) {
        index++;
        continue;
      }
      const reason = `stage "${stage.name}" failed: ${failure}`;
      // Retryable before the FAILED status is visible: the API only signals runs it sees FAILED.
      retryable = true;
      await setRunStatus('FAILED', event('RUN_FAILED', { message: reason }), reason);
      await leaveLane();
      const retry = await condition(() => retryRequested, input.retryHoldSeconds * 1000);
      retryable = false;
      retryRequested = false;
      if (!retry) {
        await closeUnfinished(index + 1, 'SKIPPED', () => 'SKIPPED');
        return { status: 'FAILED', failureReason: reason };
      }
      if (usesLane) await setRunStatus('QUEUED'); // back in line for the pipeline's lane
      await enterLane();
      await setRunStatus('RUNNING');
    }
    await setRunStatus('SUCCEEDED', event('RUN_SUCCEEDED'));
    await leaveLane();
    return { status: 'SUCCEEDED', failureReason: null };
  } catch (error) {
    if (error instanceof Superseded) {
      const reason = error.message;
      // Cleanup must finish even if a cancel arrives meanwhile.
      await CancellationScope.nonCancellable(async () => {
        await closeUnfinished(index, 'SKIPPED', (action) =>
          actionStatus.has(action.actionRunId) ? null : 'SKIPPED',
        );
        await setRunStatus('SUPERSEDED', event('RUN_SUPERSEDED', { message: reason }), reason);
        await leaveLane();
      });
      return { status: 'SUPERSEDED', failureReason: reason };
    }
    if (isCancellation(error)) {
      // Cleanup must run even though the workflow is cancelled.
      await CancellationScope.nonCancellable(async () => {
        const reason = cancelReason ? `cancelled: ${cancelReason}` : 'cancelled';
        // What finished keeps its outcome; what was running or never started is CANCELLED.
        await closeUnfinished(index, 'CANCELLED', (action) =>
          actionStatus.has(action.actionRunId) ? null : 'CANCELLED',
        );
        await setRunStatus('CANCELLED', event('RUN_CANCELLED', { message: reason }), reason);
        await leaveLane();
      });
    }
    throw error;
  }
}

/** Executes one COMMAND, HTTP or WAIT action. */
async function executeAction(
  input: PipelineRunInput,
  stage: StagePlan,
  context: ActionContext,
  action: ActionPlan,
  outputs: Record<string, string>,
): Promise<{ outputs: Record<string, string> }> {
  const retry = {
    maximumAttempts: action.retryPolicy.maximumAttempts,
    initialInterval: action.retryPolicy.initialIntervalMs,
    backoffCoefficient: action.retryPolicy.backoffCoefficient,
  };
  switch (action.kind) {
    case 'COMMAND': {
      const timeoutSeconds = action.timeoutSeconds ?? activityProfiles.command.defaultTimeoutSeconds;
      const options: ActivityOptions = {
        startToCloseTimeout: `${timeoutSeconds + activityProfiles.command.backstopSeconds} seconds`,
        heartbeatTimeout: activityProfiles.command.heartbeatTimeout,
        retry: {
          ...retry,
          // The activity makes the last allowed failure final itself; the extra attempts are for workers lost.
          maximumAttempts: retry.maximumAttempts + activityProfiles.command.lostWorkerAllowance,
          nonRetryableErrorTypes: ['InvalidOutput'],
        },
      };
      const config = action.config as unknown as CommandConfig;
      return proxyActivities<Activities>(options).runCommand({
        ...context,
        environmentId: stage.environmentId,
        revisionSha: input.revision.sha,
        command: { ...config, env: { ...outputs, ...config.env } },
        timeoutSeconds,
        maximumAttempts: retry.maximumAttempts,
      });
    }
    case 'HTTP': {
      const timeoutSeconds = action.timeoutSeconds ?? activityProfiles.http.defaultTimeoutSeconds;
      const options: ActivityOptions = { startToCloseTimeout: `${timeoutSeconds + 5} seconds`, retry };
      await proxyActivities<Activities>(options).callHttp({
        ...context,
        http: action.config as unknown as HttpConfig,
        timeoutSeconds,
      });
      return { outputs: {} };
    }
    case 'WAIT':
      await sleep((action.config as unknown as WaitConfig).seconds * 1000);
      return { outputs: {} };
    default:
      throw ApplicationFailure.nonRetryable(
        `action kind ${action.kind} is not executable by this engine version`,
        'UnsupportedAction',
      );
  }
}
