import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { GuardedMutation } from '../audit/guarded-mutation';
import { EnvironmentInput, ServiceInput } from '../catalog/catalog.types';
import type { Context } from '../context';
import { DeploymentInput } from '../deployment/deployment.types';
import { Pipeline, PipelineInput } from '../pipeline/pipeline.types';
import { PipelineRun } from '../run/run.types';
import {
  DeploymentApplyResult,
  EnvironmentApplyResult,
  PipelineApplyResult,
  ServiceApplyResult,
} from './apply.types';

const dryRunOptions = {
  nullable: true,
  description: 'check and say what would change, writing nothing',
} as const;

/** Pipelines as code (`lockstep apply`): upserts matched by name, and the lookups scripts use. */
@Resolver()
export class ApplyResolver {
  @GuardedMutation('ADMIN', () => PipelineApplyResult, { description: 'matched by name' })
  async upsertPipeline(
    @Arg('input', () => PipelineInput) input: PipelineInput,
    @Arg('dryRun', () => Boolean, dryRunOptions) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<PipelineApplyResult> {
    const { entity, change } = await ctx.services.apply.pipeline(input, dryRun === true);
    return { pipeline: entity, change };
  }

  @GuardedMutation('ADMIN', () => ServiceApplyResult, { description: 'matched by name' })
  async upsertService(
    @Arg('input', () => ServiceInput) input: ServiceInput,
    @Arg('dryRun', () => Boolean, dryRunOptions) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<ServiceApplyResult> {
    const { entity, change } = await ctx.services.apply.service(input, dryRun === true);
    return { service: entity, change };
  }

  @GuardedMutation('ADMIN', () => EnvironmentApplyResult, { description: 'matched by name' })
  async upsertEnvironment(
    @Arg('input', () => EnvironmentInput) input: EnvironmentInput,
    @Arg('dryRun', () => Boolean, dryRunOptions) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<EnvironmentApplyResult> {
    const { entity, change } = await ctx.services.apply.environment(input, dryRun === true);
    return { environment: entity, change };
  }

  @GuardedMutation('ADMIN', () => DeploymentApplyResult, { description: 'matched by name' })
  async upsertDeployment(
    @Arg('input', () => DeploymentInput) input: DeploymentInput,
    @Arg('dryRun', () => Boolean, dryRunOptions) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<DeploymentApplyResult> {
    const { entity, change } = await ctx.services.apply.deployment(input, dryRun === true);
    return { deployment: entity, change };
  }

  @Authorized('VIEWER')
  @Query(() => Pipeline, { nullable: true, description: 'scripts name pipelines; ids are for machines' })
  pipelineByName(@Arg('name', () => String) name: string, @Ctx() ctx: Context) {
    return ctx.services.lookup.pipelineByName(name);
  }

  @Authorized('VIEWER')
  @Query(() => PipelineRun, { nullable: true, description: 'run NUMBER of a pipeline (PIPELINE#NUMBER)' })
  pipelineRunByNumber(
    @Arg('pipelineId', () => ID) pipelineId: string,
    @Arg('number', () => Int) number: number,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.lookup.runByNumber(pipelineId, number);
  }
}
