import type { EntityManager } from 'typeorm';
import { defaultRetryPolicy, type ServiceType } from '../../db/domain';
import { ActionEntity } from '../../db/entities/action.entity';
import type { DeploymentEntity } from '../../db/entities/deployment.entity';
import { PipelineEntity } from '../../db/entities/pipeline.entity';
import { ServiceEntity } from '../../db/entities/service.entity';
import { StageServiceEntity } from '../../db/entities/stage-service.entity';
import { StageEntity } from '../../db/entities/stage.entity';
import { badInput } from '../errors';

/**
 * The stage a service of `type` lands in: the stage that is the default for its type, or the last stage when
 * there is none (the default stage was renamed or removed, or the service has no type). Stages in order.
 */
export function landingStage<S extends { defaultFor: ServiceType | null }>(
  stages: readonly S[],
  type: ServiceType | null,
): S | undefined {
  return (type ? stages.find((stage) => stage.defaultFor === type) : undefined) ?? stages.at(-1);
}

/** `name`, or `name 2`, `name 3`... whichever no action of the stage has yet. */
function freeName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name} ${n}`;
  return candidate;
}

/**
 * Adds a Deployment to the pipeline of its environment, when that environment has one: as a DEPLOYMENT
 * action in the stage its service already sits in, else in the stage its service's type lands in. Runs in
 * the caller's transaction; locks the pipeline, as every write of a definition does.
 */
export async function placeDeployment(manager: EntityManager, deployment: DeploymentEntity): Promise<void> {
  const pipeline = await manager.findOne(PipelineEntity, {
    where: { environmentId: deployment.environmentId },
    lock: { mode: 'pessimistic_write' },
  });
  if (!pipeline) return;
  const stages = await manager.find(StageEntity, {
    where: { pipelineId: pipeline.id },
    order: { position: 'ASC' },
  });
  const service = await manager.findOneByOrFail(ServiceEntity, { id: deployment.serviceId });
  const landing = landingStage(stages, service.type);
  if (!landing) return;
  // A service already placed keeps its stage: the primary key refuses a second placement.
  await manager.query(
    `INSERT INTO stage_services (pipeline_id, service_id, stage_id) VALUES ($1, $2, $3)
     ON CONFLICT (pipeline_id, service_id) DO NOTHING`,
    [pipeline.id, service.id, landing.id],
  );
  const placement = await manager.findOneByOrFail(StageServiceEntity, {
    pipelineId: pipeline.id,
    serviceId: service.id,
  });
  const taken = new Set(
    (await manager.findBy(ActionEntity, { stageId: placement.stageId })).map((action) => action.name),
  );
  await manager.save(
    manager.create(ActionEntity, {
      stageId: placement.stageId,
      name: freeName(deployment.name, taken),
      kind: 'DEPLOYMENT',
      runOrder: 1,
      config: { deploymentId: deployment.id },
      timeoutSeconds: null,
      retryMaximumAttempts: defaultRetryPolicy.maximumAttempts,
      retryInitialIntervalMs: defaultRetryPolicy.initialIntervalMs,
      retryBackoffCoefficient: defaultRetryPolicy.backoffCoefficient,
      pipelineId: pipeline.id,
      serviceId: service.id,
    }),
  );
  await manager.update(PipelineEntity, { id: pipeline.id }, { updatedAt: new Date() });
}

/** The names of the pipelines whose actions run this Deployment. */
export async function pipelinesUsing(manager: EntityManager, deploymentId: string): Promise<string[]> {
  const rows: Array<{ name: string }> = await manager.query(
    `SELECT DISTINCT p.name FROM actions a
       JOIN stages s ON s.id = a.stage_id JOIN pipelines p ON p.id = s.pipeline_id
      WHERE a.kind = 'DEPLOYMENT' AND a.config->>'deploymentId' = $1
      ORDER BY p.name`,
    [deploymentId],
  );
  return rows.map((row) => row.name);
}

/** Where an environment pipeline's definition puts each of its environment's services, by stage index. */
export interface Placements {
  /** The service a DEPLOYMENT action deploys into the pipeline's environment, keyed `stage:action`. */
  serviceOfAction: Map<string, string>;
  stageOfService: Map<string, number>;
}

/**
 * Reads the placements an environment pipeline's definition implies, refusing a service whose Deployments
 * sit in two stages (at the field of the second one). Deployments into other environments place nothing.
 */
export async function placementsOf(
  manager: EntityManager,
  environmentId: string,
  stages: ReadonlyArray<{
    name: string;
    actions: ReadonlyArray<{ kind: string; config: Record<string, unknown> }>;
  }>,
  fieldOf: (stage: number, action: number) => string,
): Promise<Placements> {
  const ids = stages.flatMap((stage) =>
    stage.actions.flatMap((action) =>
      action.kind === 'DEPLOYMENT' ? [String(action.config.deploymentId)] : [],
    ),
  );
  const rows: Array<{ id: string; serviceId: string; serviceName: string }> = ids.length
    ? await manager.query(
        `SELECT d.id, d.service_id AS "serviceId", s.name AS "serviceName"
           FROM deployments d JOIN services s ON s.id = d.service_id
          WHERE d.id = ANY($1::uuid[]) AND d.environment_id = $2`,
        [ids, environmentId],
      )
    : [];
  const deployments = new Map(rows.map((row) => [row.id, row]));
  const placements: Placements = { serviceOfAction: new Map(), stageOfService: new Map() };
  stages.forEach((stage, s) =>
    stage.actions.forEach((action, a) => {
      const deployment =
        action.kind === 'DEPLOYMENT' ? deployments.get(String(action.config.deploymentId)) : undefined;
      if (!deployment) return;
      const placed = placements.stageOfService.get(deployment.serviceId);
      if (placed !== undefined && placed !== s) {
        throw badInput(
          fieldOf(s, a),
          `service "${deployment.serviceName}" is already in stage "${stages[placed]!.name}": ` +
            'each service is in exactly one stage of an environment pipeline',
        );
      }
      placements.stageOfService.set(deployment.serviceId, s);
      placements.serviceOfAction.set(`${s}:${a}`, deployment.serviceId);
    }),
  );
  return placements;
}
