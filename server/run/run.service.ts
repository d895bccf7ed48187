import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { finishedRunStatuses, isIn } from '../../db/domain';
import { ActionRunEntity } from '../../db/entities/action-run.entity';
import { PipelineEntity } from '../../db/entities/pipeline.entity';
import type { CommitFact } from '../../db/entities/pipeline-run.entity';
import { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import { StageRunEntity } from '../../db/entities/stage-run.entity';
import { run as runStatement } from '../../db/dora/statement';
import { carryArtifacts, type ArtifactRef } from '../../db/releases/artifacts';
import {
  pipelineRunWorkflowId,
  pipelineRunWorkflowType,
  runSearchAttributes,
  type PipelineRunInput,
  type RevisionFact,
  type RunPlan,
} from '../../workflows/definitions';
import type { AuthenticatedPrincipal } from '../auth/principal';
import { badInput, conflict, notFound } from '../errors';
import { isUuid } from '../graphql/validate';
import { carryOver } from './carry-over';
import { rerunPlan } from './rerun';
import { findRun, workflowOpen } from './run-workflow';
import { KeyedQueue } from './keyed-queue';
import { revisionFact } from './revision';
import type { CommitInput, RevisionInput } from './revision.types';
import { planFromDefinition, planFromSnapshot } from './run-plan';

/** Who triggers a run: a caller, or a system principal (db/triggers/system-principals.ts). */
export type Triggerer = Pick<AuthenticatedPrincipal, 'id'>;

interface NewRun {
  pipeline: PipelineEntity;
  plan: RunPlan;
  revision: RevisionFact;
  commits: CommitFact[];
  principal: Triggerer;
  rollbackOfRunId: string | null;
  promotedFromRunId?: string;
  /** Artifacts the new run carries from the start (promotions, rollbacks and reruns). */
  carried?: ArtifactRef[];
}

/** The revision a run row holds. */
function revisionOfRun(run: PipelineRunEntity): RevisionFact {
  return {
    sha: run.revisionSha,
    committedAt: run.revisionCommittedAt.toISOString(),
    message: run.revisionMessage,
    author: run.revisionAuthor,
  };
}

/** Starts pipeline runs: snapshot the definition into the run's rows, then start its workflow. */
export class RunService {
  /** A pipeline's triggers wait here for its row lock, holding no connection (keyed-queue.ts). */
  private readonly triggers = new KeyedQueue();

  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: Client,
    private readonly taskQueue: string,
    private readonly retryHoldSeconds: number,
  ) {}

  async trigger(
    pipelineId: string,
    revisionInput: RevisionInput,
    commitInputs: CommitInput[] | null | undefined,
    principal: Triggerer,
  ): Promise<PipelineRunEntity> {
    if (!isUuid(pipelineId)) throw notFound('pipeline', pipelineId);
    const revision = revisionFact('revision', revisionInput);
    if ((commitInputs?.length ?? 0) > 1000) throw badInput('commits', 'at most 1000 commits per run');
    const commits = (commitInputs ?? []).map((commit, i) => revisionFact(`commits[${i}]`, commit));
    return this.start(pipelineId, async (manager) => {
      const pipeline = await this.lockPipeline(manager, pipelineId);
      const plan = await planFromDefinition(manager, pipelineId);
      return { pipeline, plan, revision, commits, principal, rollbackOfRunId: null };
    });
  }

  /**
   * Re-deploys the revision of an earlier successful run of the pipeline ("roll back to known-good"): a new
   * run with that run's revision, commits, artifacts and definition snapshot, marked as a rollback. The
   * actions that built its artifacts are reused, not executed again.
   */
  async rollback(
    pipelineId: string,
    toRunId: string,
    principal: AuthenticatedPrincipal,
  ): Promise<PipelineRunEntity> {
    if (!isUuid(pipelineId)) throw notFound('pipeline', pipelineId);
    if (!isUuid(toRunId)) throw notFound('pipeline run', toRunId);
    return this.start(pipelineId, async (manager) => {
      const pipeline = await this.lockPipeline(manager, pipelineId);
      const target = await manager.findOneBy(PipelineRunEntity, { id: toRunId });
      if (!target || target.pipelineId !== pipelineId) throw notFound('pipeline run', toRunId);
      if (target.status !== 'SUCCEEDED') {
        throw conflict(
          `run #${target.number} did not succeed (it is ${target.status}); roll back to a known-good run`,
        );
      }
      const snapshot = planFromSnapshot(target.definition as unknown as RunPlan);
      const { plan, artifacts } = await carryOver(manager, target, pipeline.name, snapshot);
      return {
        pipeline,
        plan,
        revision: revisionOfRun(target),
        commits: target.commits,
        principal,
        rollbackOfRunId: target.id,
        carried: artifacts,
      };
    });
  }

  /**
   * Promotes a known-good run (SUCCEEDED, of any pipeline) into a pipeline: a new run of its current
   * definition carrying that run's revision, commits and artifacts; the actions that built those artifacts
   * are reused, not executed again. Lead time still counts from the commits.
   */
  async promote(
    pipelineId: string,
    fromRunId: string,
    principal: AuthenticatedPrincipal,
  ): Promise<PipelineRunEntity> {
    if (!isUuid(pipelineId)) throw notFound('pipeline', pipelineId);
    if (!isUuid(fromRunId)) throw notFound('pipeline run', fromRunId);
    return this.start(pipelineId, async (manager) => {
      const pipeline = await this.lockPipeline(manager, pipelineId);
      const source = await manager.findOneBy(PipelineRunEntity, { id: fromRunId });
      if (!source) throw notFound('pipeline run', fromRunId);
      const sourcePipeline = await manager.findOneByOrFail(PipelineEntity, { id: source.pipelineId });
      if (source.status !== 'SUCCEEDED') {
        throw conflict(
          `run #${source.number} of ${sourcePipeline.name} did not succeed (it is ${source.status}); promote a known-good run`,
        );
      }
      const definition = await planFromDefinition(manager, pipelineId);
      const { plan, artifacts } = await carryOver(manager, source, sourcePipeline.name, definition);
      return {
        pipeline,
        plan,
        revision: revisionOfRun(source),
        commits: source.commits,
        principal,
        rollbackOfRunId: null,
        promotedFromRunId: source.id,
        carried: artifacts,
      };
    });
  }

  /**
   * Runs a finished run again from one of its stages (any outcome): a new run with its revision, commits,
   * definition snapshot and artifacts; the earlier stages are reused unless `rerunUpstream` (rerun.ts). A
   * failed run still holding for a decision is refused: decide, or cancel it, first.
   */
  async rerunFromStage(
    runId: string,
    stageRunId: string,
    rerunUpstream: boolean,
    principal: AuthenticatedPrincipal,
  ): Promise<PipelineRunEntity> {
    const source = await findRun(this.dataSource, runId);
    if (!isUuid(stageRunId)) throw badInput('stageRunId', `stage run ${stageRunId} does not exist`);
    const held = source.status === 'FAILED' && (await workflowOpen(this.temporal, source.id));
    if (!isIn(finishedRunStatuses, source.status) || held) {
      throw conflict(
        `run #${source.number} is still going (${held ? 'FAILED, holding for a decision' : source.status}): ` +
          'rerun it once it has ended',
      );
    }
    return this.start(source.pipelineId, async (manager) => {
      const pipeline = await this.lockPipeline(manager, source.pipelineId);
      const { plan, artifacts } = await rerunPlan(manager, source, stageRunId, rerunUpstream);
      return {
        pipeline,
        plan,
        revision: revisionOfRun(source),
        commits: source.commits,
        principal,
        rollbackOfRunId: source.rollbackOfRunId,
        promotedFromRunId: source.promotedFromRunId ?? undefined,
        carried: artifacts,
      };
    });
  }

  /** Locks the pipeline's row (runs of one pipeline are numbered one at a time). */
  private async lockPipeline(manager: EntityManager, pipelineId: string): Promise<PipelineEntity> {
    const pipeline = await manager.findOne(PipelineEntity, {
      where: { id: pipelineId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!pipeline) throw notFound('pipeline', pipelineId);
    return pipeline;
  }

  private async start(
    pipelineId: string,
    prepare: (manager: EntityManager) => Promise<NewRun>,
  ): Promise<PipelineRunEntity> {
    const { run, input } = await this.triggers.run(pipelineId, () => this.snapshot(prepare));

    try {
      await this.temporal.workflow.start(pipelineRunWorkflowType, {
        taskQueue: this.taskQueue,
        workflowId: run.temporalWorkflowId,
        args: [input],
        typedSearchAttributes: [
          { key: runSearchAttributes.pipelineId, value: run.pipelineId },
          { key: runSearchAttributes.status, value: run.status },
        ],
      });
    } catch (error) {
      // Started already (the worker's reconciler found the row first): that is the workflow wanted.
      if (error instanceof WorkflowExecutionAlreadyStartedError) return run;
      await this.dataSource.query(
        `UPDATE pipeline_runs SET status = 'FAILED', finished_at = now(), failure_reason = $2, lane_released_at = now()
          WHERE id = $1`,
        [run.id, 'the run could not be started: Temporal did not accept the workflow'],
      );
      throw error;
    }
    return run;
  }

  /** The run's rows, its definition snapshotted, in one transaction under the pipeline's row lock. */
  private snapshot(
    prepare: (manager: EntityManager) => Promise<NewRun>,
  ): Promise<{ run: PipelineRunEntity; input: PipelineRunInput }> {
    return this.dataSource.transaction(async (manager) => {
      const { pipeline, plan, revision, commits, principal, rollbackOfRunId, promotedFromRunId, carried } =
        await prepare(manager);
      const counter: [Array<{ run_counter: number }>, number] = await manager.query(
        'UPDATE pipelines SET run_counter = run_counter + 1 WHERE id = $1 RETURNING run_counter',
        [pipeline.id],
      );
      const number = counter[0][0]!.run_counter;
      const runId = randomUUID();
      const run = await manager.save(
        manager.create(PipelineRunEntity, {
          id: runId,
          pipelineId: pipeline.id,
          number,
          status: 'QUEUED',
          definition: plan as unknown as Record<string, unknown>,
          revisionSha: revision.sha,
          revisionMessage: revision.message,
          revisionAuthor: revision.author,
          revisionCommittedAt: new Date(revision.committedAt),
          commits,
          triggeredById: principal.id,
          temporalWorkflowId: pipelineRunWorkflowId(runId),
          executionMode: pipeline.executionMode,
          isRollback: rollbackOfRunId !== null,
          rollbackOfRunId,
          promotedFromRunId: promotedFromRunId ?? null,
          startedAt: null,
          finishedAt: null,
          failureReason: null,
        }),
      );
      await manager.insert(
        StageRunEntity,
        plan.stages.map((stage) => ({
          id: stage.stageRunId,
          runId,
          stageId: stage.stageId,
          name: stage.name,
          position: stage.position,
          environmentId: stage.environmentId,
          status: 'PENDING' as const,
        })),
      );
      const actionRuns = plan.stages.flatMap((stage) =>
        stage.actions.map((action) => ({
          id: action.actionRunId,
          runId,
          stageRunId: stage.stageRunId,
          actionId: action.actionId,
          name: action.name,
          kind: action.kind,
          runOrder: action.runOrder,
          status: 'PENDING' as const,
        })),
      );
      if (actionRuns.length > 0) await manager.insert(ActionRunEntity, actionRuns);
      if (carried) await runStatement(manager, carryArtifacts, { runId, artifacts: carried });
      const input: PipelineRunInput = {
        runId,
        pipelineId: pipeline.id,
        revision,
        plan,
        executionMode: pipeline.executionMode,
        serviceId: pipeline.serviceId,
        isRollback: rollbackOfRunId !== null,
        triggeredById: principal.id,
        retryHoldSeconds: this.retryHoldSeconds,
        artifacts: carried ?? [],
        allowOlderThanLive: pipeline.allowOlderThanLive,
      };
      return { run, input };
    });
  }
}
