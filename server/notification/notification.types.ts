import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { PipelineEventType } from '../../db/domain';
import { PipelineEventTypeEnum } from '../graphql/enums';
import { DateTimeScalar } from '../graphql/scalars';

@ObjectType('WebhookSubscription')
export class WebhookSubscription {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  url!: string;

  @Field(() => [PipelineEventTypeEnum], { description: 'empty: every type' })
  eventTypes!: PipelineEventType[];

  @Field(() => String, { description: '"lockstep" or "slack"' })
  format!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

@InputType('WebhookSubscriptionInput')
export class WebhookSubscriptionInput {
  @Field(() => String)
  url!: string;

  @Field(() => String, { description: 'signs every delivery (X-Lockstep-Signature); at least 16 characters' })
  secret!: string;

  @Field(() => [PipelineEventTypeEnum], { nullable: true })
  eventTypes?: PipelineEventType[] | null;

  @Field(() => ID, { nullable: true, description: 'null: every pipeline' })
  pipelineId?: string | null;

  @Field(() => String, { nullable: true, description: '"lockstep" (default) or "slack"' })
  format?: string | null;
}

@ObjectType('WebhookDelivery')
export class WebhookDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => PipelineEventTypeEnum)
  eventType!: PipelineEventType;

  @Field(() => ID)
  runId!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Int, { nullable: true })
  responseStatus!: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => String, { nullable: true })
  error!: string | null;
}
