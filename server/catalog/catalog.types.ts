import { Field, ID, InputType, ObjectType } from 'type-graphql';
import type { EnvironmentTier, ServiceType } from '../../db/domain';
import { EnvironmentTierEnum, ServiceTypeEnum } from '../graphql/enums';

@ObjectType('Service')
export class Service {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  team!: string | null;

  @Field(() => ServiceTypeEnum, {
    nullable: true,
    description: 'decides its stage in an environment pipeline (no type: the last stage)',
  })
  type!: ServiceType | null;
}

@ObjectType('Environment')
export class Environment {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => EnvironmentTierEnum)
  tier!: EnvironmentTier;
}

@InputType('ServiceInput')
export class ServiceInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  team?: string | null;

  @Field(() => ServiceTypeEnum, { nullable: true })
  type?: ServiceType | null;
}

@InputType('EnvironmentInput')
export class EnvironmentInput {
  @Field(() => String)
  name!: string;

  @Field(() => EnvironmentTierEnum)
  tier!: EnvironmentTier;
}
