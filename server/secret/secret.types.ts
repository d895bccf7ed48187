import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { SecretScopeEnum } from '../graphql/enums';
import { DateTimeScalar } from '../graphql/scalars';

export type SecretScope = 'GLOBAL' | 'ENVIRONMENT' | 'PIPELINE';

@ObjectType('Secret', { description: 'A named credential; its value is never readable through the API.' })
export class Secret {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => SecretScopeEnum)
  scope!: SecretScope;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;
}

@InputType('SecretInput', { description: 'Neither environmentId nor pipelineId: a GLOBAL secret.' })
export class SecretInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  value!: string;

  @Field(() => ID, { nullable: true })
  environmentId?: string | null;

  @Field(() => ID, { nullable: true })
  pipelineId?: string | null;
}
