import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ActionRunEntity } from '../../db/entities/action-run.entity';
import { ActionEntity } from '../../db/entities/action.entity';
import { PipelineEntity } from '../../db/entities/pipeline.entity';
import type { CommitFact } from '../../db/entities/pipeline-run.entity';
import { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import { StageRunEntity } from '../../db/entities/stage-run.entity';
import { StageEntity } from '../../db/entities/stage.entity';
import {
  pipelineRunWorkflowId,
  pipelineRunWorkflowType,
  type PipelineRunInput,
  type RevisionFact,
  type RunPlan,
} from '../../workflows/definitions';
import type { AuthenticatedPrincipal } from '../auth/token.service';
import { badInput, notFound } from '../errors';
import { isUuid, optionalText } from '../graphql/validate';
import type { CommitInput, RevisionInput } from './run.types';

const shaPattern = /^[0-9a-f]{7,64}$/i;

function revisionFact(field: string, input: RevisionInput | CommitInput): RevisionFact {
  const sha = input.sha.trim();
  if (!shaPattern.test(sha))
    throw badInput(`${field}.sha`, 'must be a commit SHA (7 to 64 hexadecimal characters)');
  return {
    sha: sha.toLowerCase(),
    committedAt: input.committedAt.toISOString(),
    message: optionalText(`${field}.message`, input.message, 10_000),
    author: optionalText(`${field}.author`, input.author, 200),
  };
}

/** Starts pipeline runs: snapshot the definition into the run's rows, then start its workflow. */
export class RunService {
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
    principal: AuthenticatedPrincipal,
  ): Promise<PipelineRunEntity> {
    if (!isUuid(pipelineId)) throw notFound('pipeline', pipelineId);
    const revision = revisionFact('revision', revisionInput);
    if ((commitInputs?.length ?? 0) > 1000) throw badInput('commits', 'at most 1000 commits per run');
    const commits: CommitFact[] = (commitInputs ?? []).map((commit, i) =>
      revisionFact(`commits[${i}]`, commit),
    );

    const { run, input } = await this.dataSource.transaction(async (manager) => {
      const counter: [Array<{ run_counter: number }>, number] = await manager.query(
        'UPDATE pipelines SET run_counter = run_counter + 1 WHERE id = $1 RETURNING run_counter',
        [pipelineId],
      );
      const number = counter[0][0]?.run_counter;
      if (number === undefined) throw notFound('pipeline', pipelineId);
      const pipeline = await manager.findOneByOrFail(PipelineEntity, { id: pipelineId });
      const stages = await manager.find(StageEntity, { where: { pipelineId }, order: { position: 'ASC' } });
      const actions = await manager
        .getRepository(ActionEntity)
        .createQueryBuilder('a')
        .where('a.stage_id IN (:...ids)', { ids: stages.map((s) => s.id) })
        .orderBy('a.run_order', 'ASC')
        .addOrderBy('a.name', 'ASC')
        .getMany();
      const runId = randomUUID();
      const plan: RunPlan = {
        stages: stages.map((stage) => ({
          stageRunId: randomUUID(),
          stageId: stage.id,
          name: stage.name,
          position: stage.position,
          environmentId: stage.environmentId,
          maxParallel: stage.maxParallel,
          actions: actions
            .filter((action) => action.stageId === stage.id)
            .map((action) => ({
              actionRunId: randomUUID(),
              actionId: action.id,
              name: action.name,
              kind: action.kind,
              runOrder: action.runOrder,
              config: action.config,
              timeoutSeconds: action.timeoutSeconds,
              retryPolicy: {
                maximumAttempts: action.retryMaximumAttempts,
                initialIntervalMs: action.retryInitialIntervalMs,
                backoffCoefficient: action.retryBackoffCoefficient,
              },
            })),
        })),
      };
      const run = await manager.save(
        manager.create(PipelineRunEntity, {
          id: runId,
          pipelineId,
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
      const input: PipelineRunInput = {
        runId,
        pipelineId,
        revision,
        plan,
        executionMode: pipeline.executionMode,
        triggeredById: principal.id,
        retryHoldSeconds: this.retryHoldSeconds,
      };
      return { run, input };
    });

    try {
      await this.temporal.workflow.start(pipelineRunWorkflowType, {
        taskQueue: this.taskQueue,
        workflowId: run.temporalWorkflowId,
        args: [input],
      });
    } catch (error) {
      await this.dataSource.query(
        `UPDATE pipeline_runs SET status = 'FAILED', finished_at = now(), failure_reason = $2 WHERE id = $1`,
        [run.id, 'the run could not be started: Temporal did not accept the workflow'],
      );
      throw error;
    }
    return run;
  }
}
