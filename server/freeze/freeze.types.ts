import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars';

@ObjectType('FreezeWindow', { description: 'No deployment into an environment while one is active' })
export class FreezeWindow {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => DateTimeScalar)
  startsAt!: Date;

  @Field(() => DateTimeScalar)
  endsAt!: Date;

  @Field(() => String, { nullable: true })
  reason!: string | null;
}

@InputType('FreezeWindowInput', { description: 'No environmentId: every environment of tier PRODUCTION.' })
export class FreezeWindowInput {
  @Field(() => String)
  name!: string;

  @Field(() => ID, { nullable: true })
  environmentId?: string | null;

  @Field(() => DateTimeScalar)
  startsAt!: Date;

  @Field(() => DateTimeScalar)
  endsAt!: Date;

  @Field(() => String, { nullable: true })
  reason?: string | null;
}
