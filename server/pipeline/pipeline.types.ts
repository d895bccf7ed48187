import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { ActionKind, ExecutionMode, ServiceType } from '../../db/domain';
import { connectionOf } from '../graphql/connection';
import { ActionKindEnum, ExecutionModeEnum, ServiceTypeEnum } from '../graphql/enums';
import { JSONScalar } from '../graphql/scalars';

@ObjectType('RetryPolicy')
export class RetryPolicy {
  @Field(() => Int)
  maximumAttempts!: number;

  @Field(() => Int)
  initialIntervalMs!: number;

  @Field(() => Float)
  backoffCoefficient!: number;
}

@ObjectType('Action')
export class Action {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => ActionKindEnum)
  kind!: ActionKind;

  @Field(() => Int)
  runOrder!: number;

  // `config` is a field resolver (ActionResolver): what it shows depends on the caller's role.

  @Field(() => Int, { nullable: true })
  timeoutSeconds!: number | null;
}

@ObjectType('Stage')
export class Stage {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Int)
  position!: number;

  @Field(() => Int)
  maxParallel!: number;

  @Field(() => Boolean)
  transitionEnabled!: boolean;

  @Field(() => ServiceTypeEnum, {
    nullable: true,
    description: 'new services of this type are placed in this stage',
  })
  defaultFor!: ServiceType | null;
}

@ObjectType('PipelineSource', {
  description: 'a push to this branch of this repository triggers the pipeline',
})
export class PipelineSource {
  @Field(() => String, { description: 'owner/name, as GitHub spells it' })
  repository!: string;

  @Field(() => String)
  branch!: string;
}

@ObjectType('Pipeline')
export class Pipeline {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => ExecutionModeEnum)
  executionMode!: ExecutionMode;

  @Field(() => Boolean, {
    description: 'default false: a run older than live stops before deploying (rollbacks excepted)',
  })
  allowOlderThanLive!: boolean;
}

export const PipelineConnection = connectionOf(Pipeline);

@InputType('RetryPolicyInput')
export class RetryPolicyInput {
  @Field(() => Int, { nullable: true })
  maximumAttempts?: number | null;

  @Field(() => Int, { nullable: true })
  initialIntervalMs?: number | null;

  @Field(() => Float, { nullable: true })
  backoffCoefficient?: number | null;
}

@InputType('ActionInput')
export class ActionInput {
  @Field(() => String)
  name!: string;

  @Field(() => ActionKindEnum)
  kind!: ActionKind;

  @Field(() => Int, { nullable: true })
  runOrder?: number | null;

  @Field(() => JSONScalar)
  config!: unknown;

  @Field(() => Int, { nullable: true })
  timeoutSeconds?: number | null;

  @Field(() => RetryPolicyInput, { nullable: true })
  retryPolicy?: RetryPolicyInput | null;
}

@InputType('StageInput')
export class StageInput {
  @Field(() => String)
  name!: string;

  @Field(() => ID, { nullable: true })
  environmentId?: string | null;

  @Field(() => Int, { nullable: true })
  maxParallel?: number | null;

  @Field(() => Boolean, { nullable: true })
  transitionEnabled?: boolean | null;

  @Field(() => [ActionInput])
  actions!: ActionInput[];
}

@InputType('PipelineSourceInput')
export class PipelineSourceInput {
  @Field(() => String)
  repository!: string;

  @Field(() => String)
  branch!: string;
}

@InputType('PipelineInput')
export class PipelineInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ID, { nullable: true })
  serviceId?: string | null;

  @Field(() => ExecutionModeEnum, { nullable: true })
  executionMode?: ExecutionMode | null;

  @Field(() => Boolean, { nullable: true })
  allowOlderThanLive?: boolean | null;

  @Field(() => [StageInput])
  stages!: StageInput[];

  @Field(() => PipelineSourceInput, {
    nullable: true,
    description: 'omitted, an update keeps the current source; null removes it',
  })
  source?: PipelineSourceInput | null;
}
