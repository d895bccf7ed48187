import { Field, ID, InputType, ObjectType } from 'type-graphql';
import type { EnvironmentTier } from '../../db/domain';
import { EnvironmentTierEnum } from '../graphql/enums';

@ObjectType('Service')
export class Service {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  team!: string | null;
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
}

@InputType('EnvironmentInput')
export class EnvironmentInput {
  @Field(() => String)
  name!: string;

  @Field(() => EnvironmentTierEnum)
  tier!: EnvironmentTier;
}
