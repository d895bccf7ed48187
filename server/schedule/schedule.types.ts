import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Schedule', { description: 'a Temporal Schedule that triggers the pipeline' })
export class Schedule {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'five-field cron, e.g. "0 3 * * 1-5"' })
  cron!: string;

  @Field(() => String, { description: 'IANA name' })
  timeZone!: string;

  @Field(() => Boolean)
  paused!: boolean;
}
