import { Field, ID, ObjectType } from 'type-graphql';
import type { PipelineEventType } from '../../db/domain';
import { PipelineEventTypeEnum } from '../graphql/enums';
import { DateTimeScalar } from '../graphql/scalars';

@ObjectType('PipelineEvent', {
  description: 'A change of state of a run; ids order events (resume with afterEventId).',
})
export class PipelineEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => PipelineEventTypeEnum)
  type!: PipelineEventType;

  @Field(() => ID)
  pipelineId!: string;

  @Field(() => ID)
  runId!: string;

  @Field(() => String, { nullable: true })
  stageName!: string | null;

  @Field(() => String, { nullable: true })
  actionName!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => DateTimeScalar)
  at!: Date;
}
