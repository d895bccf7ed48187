import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { environmentTiers, type EnvironmentTier } from '../../db/domain';
import { DeploymentEntity } from '../../db/entities/deployment.entity';
import { EnvironmentEntity } from '../../db/entities/environment.entity';
import { PipelineEntity } from '../../db/entities/pipeline.entity';
import { ServiceEntity } from '../../db/entities/service.entity';
import type { CatalogService } from '../catalog/catalog.service';
import { parseDeploymentInput, type DeploymentDefinition } from '../deployment/deployment-definition';
import type { DeploymentService } from '../deployment/deployment.service';
import type { DeploymentInput } from '../deployment/deployment.types';
import { badInput } from '../errors';
import { optionalText, requiredText } from '../graphql/validate';
import { parsePipelineInput } from '../pipeline/pipeline-definition';
import { checkReferences, type PipelineService } from '../pipeline/pipeline.service';
import type { PipelineInput } from '../pipeline/pipeline.types';
import type { Change } from './apply.types';
import { canonical, pipelineChanges } from './pipeline-change';

interface Applied<T> {
  entity: T;
  change: Change;
}

/**
 * Pipelines as code: each object is matched by name, created when missing, updated when it differs and left
 * alone when it does not, so applying the same file twice changes nothing. A dry run checks the input as the
 * write would (shape and references) and says what would change, writing nothing; an object it would create
 * is returned unsaved, with a random id.
 */
export class ApplyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly deployments: DeploymentService,
    private readonly pipelines: PipelineService,
  ) {}

  async service(
    input: { name: string; team?: string | null },
    dryRun: boolean,
  ): Promise<Applied<ServiceEntity>> {
    const name = requiredText('input.name', input.name, 100);
    const team = optionalText('input.team', input.team, 100);
    const repo = this.dataSource.getRepository(ServiceEntity);
    const existing = await repo.findOneBy({ name });
    if (!existing) {
      if (dryRun) return { entity: repo.create({ id: randomUUID(), name, team }), change: 'created' };
      return { entity: await this.catalog.createService({ name, team }), change: 'created' };
    }
    if (existing.team === team) return { entity: existing, change: 'unchanged' };
    if (!dryRun) await repo.update({ id: existing.id }, { team });
    return { entity: Object.assign(existing, { team }), change: 'updated' };
  }

  async environment(
    input: { name: string; tier: EnvironmentTier },
    dryRun: boolean,
  ): Promise<Applied<EnvironmentEntity>> {
    const name = requiredText('input.name', input.name, 100);
    if (!environmentTiers.includes(input.tier))
      throw badInput('input.tier', `must be one of ${environmentTiers.join(', ')}`);
    const repo = this.dataSource.getRepository(EnvironmentEntity);
    const existing = await repo.findOneBy({ name });
    if (!existing) {
      if (dryRun)
        return { entity: repo.create({ id: randomUUID(), name, tier: input.tier }), change: 'created' };
      return { entity: await this.catalog.createEnvironment(input), change: 'created' };
    }
    if (existing.tier === input.tier) return { entity: existing, change: 'unchanged' };
    if (!dryRun) await repo.update({ id: existing.id }, { tier: input.tier });
    return { entity: Object.assign(existing, { tier: input.tier }), change: 'updated' };
  }

  /** Runs take a snapshot of the Deployments they run when they start: an update shapes later runs only. */
  async deployment(input: DeploymentInput, dryRun: boolean): Promise<Applied<DeploymentEntity>> {
    const definition = parseDeploymentInput(input);
    const repo = this.dataSource.getRepository(DeploymentEntity);
    const existing = await repo.findOneBy({ name: definition.name });
    if (!existing && !dryRun) return { entity: await this.deployments.create(input), change: 'created' };
    if (!(await this.dataSource.manager.existsBy(ServiceEntity, { id: definition.serviceId })))
      throw badInput('input.serviceId', 'no service has this id');
    if (!(await this.dataSource.manager.existsBy(EnvironmentEntity, { id: definition.environmentId })))
      throw badInput('input.environmentId', 'no environment has this id');
    if (!existing) return { entity: repo.create({ id: randomUUID(), ...definition }), change: 'created' };
    const stored: DeploymentDefinition = {
      name: existing.name,
      serviceId: existing.serviceId,
      environmentId: existing.environmentId,
      planCommand: existing.planCommand,
      applyCommand: existing.applyCommand,
      requirePlanApproval: existing.requirePlanApproval,
      planRequiredApprovals: existing.planRequiredApprovals,
      planTimeoutSeconds: existing.planTimeoutSeconds,
      planAllowSelfApproval: existing.planAllowSelfApproval,
    };
    if (canonical(stored) === canonical(definition)) return { entity: existing, change: 'unchanged' };
    if (!dryRun) await repo.update({ id: existing.id }, definition);
    return { entity: Object.assign(existing, definition), change: 'updated' };
  }

  /** Running runs keep the snapshot they took; an update shapes later runs only. */
  async pipeline(input: PipelineInput, dryRun: boolean): Promise<Applied<PipelineEntity>> {
    const definition = parsePipelineInput(input);
    const existing = await this.dataSource.getRepository(PipelineEntity).findOneBy({ name: definition.name });
    if (!existing) {
      if (!dryRun) return { entity: await this.pipelines.create(input), change: 'created' };
      await checkReferences(this.dataSource.manager, definition);
      const entity = this.dataSource.getRepository(PipelineEntity).create({
        id: randomUUID(),
        name: definition.name,
        description: definition.description,
        serviceId: definition.serviceId,
        executionMode: definition.executionMode,
        sourceRepository: definition.source?.repository ?? null,
        sourceBranch: definition.source?.branch ?? null,
      });
      return { entity, change: 'created' };
    }
    await checkReferences(this.dataSource.manager, definition);
    const flags = input.stages.map((stage) => stage.transitionEnabled);
    if (!(await pipelineChanges(this.dataSource.manager, existing, definition, flags)))
      return { entity: existing, change: 'unchanged' };
    if (dryRun) return { entity: existing, change: 'updated' };
    return { entity: await this.pipelines.update(existing.id, input), change: 'updated' };
  }
}
