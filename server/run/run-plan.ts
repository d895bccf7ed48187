import { randomUUID } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import { ActionEntity } from '../../db/entities/action.entity';
import { DeploymentEntity } from '../../db/entities/deployment.entity';
import { StageEntity } from '../../db/entities/stage.entity';
import type { RunPlan } from '../../workflows/definitions';
import { deploymentSnapshot } from '../deployment/deployment-snapshot';
import { conflict } from '../errors';

/** The plan of a run: the pipeline's current definition, with fresh run ids. */
export async function planFromDefinition(manager: EntityManager, pipelineId: string): Promise<RunPlan> {
  const stages = await manager.find(StageEntity, { where: { pipelineId }, order: { position: 'ASC' } });
  const actions = await manager.find(ActionEntity, {
    where: { stageId: In(stages.map((s) => s.id)) },
    order: { runOrder: 'ASC', name: 'ASC' },
  });
  const deploymentIds = actions.flatMap((a) =>
    a.kind === 'DEPLOYMENT' ? [String(a.config.deploymentId)] : [],
  );
  const deployments = new Map(
    (await manager.findBy(DeploymentEntity, { id: In(deploymentIds) })).map((d) => [
      d.id,
      deploymentSnapshot(d),
    ]),
  );
  return {
    stages: stages.map((stage) => ({
      stageRunId: randomUUID(),
      stageId: stage.id,
      name: stage.name,
      position: stage.position,
      environmentId: stage.environmentId,
      maxParallel: stage.maxParallel,
      actions: actions
        .filter((action) => action.stageId === stage.id)
        .map((action) => {
          const deployment =
            action.kind === 'DEPLOYMENT' ? deployments.get(String(action.config.deploymentId)) : undefined;
          if (action.kind === 'DEPLOYMENT' && !deployment) {
            throw conflict(`action "${action.name}" refers to a deployment that no longer exists`);
          }
          return {
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
            ...(deployment ? { deployment } : {}),
          };
        }),
    })),
  };
}

/**
 * An earlier run's plan (its snapshot, Deployments included) with fresh run ids: what a rollback or a rerun
 * runs. What that run reused (actions, or whole stages of a rerun) is decided afresh (carry-over.ts, rerun.ts).
 */
export function planFromSnapshot(snapshot: RunPlan): RunPlan {
  return {
    stages: snapshot.stages.map(({ reused: _reused, ...stage }) => ({
      ...stage,
      stageRunId: randomUUID(),
      actions: stage.actions.map(({ reuse: _reuse, ...action }) => ({
        ...action,
        actionRunId: randomUUID(),
      })),
    })),
  };
}
