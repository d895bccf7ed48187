import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DoraLevelEnum, IntervalEnum } from '../graphql/enums';
import { DateTimeScalar } from '../graphql/scalars';
import type { DoraLevel } from './dora-levels';
import type { Interval } from './dora-views';

@ObjectType('DoraPoint')
export class DoraPoint {
  @Field(() => DateTimeScalar)
  bucketStart!: Date;

  @Field(() => Float, { nullable: true })
  value!: number | null;

  @Field(() => Int)
  sampleSize!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'durations only: the 75th percentile within the bucket',
  })
  p75!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'durations only: the 90th percentile within the bucket',
  })
  p90!: number | null;
}

@ObjectType('DoraMetric')
export class DoraMetric {
  @Field(() => Float, {
    nullable: true,
    description: 'the headline (docs/dora.md); null when there is nothing to measure',
  })
  value!: number | null;

  @Field(() => String)
  unit!: string;

  @Field(() => Float, { nullable: true })
  p75!: number | null;

  @Field(() => Float, { nullable: true })
  p90!: number | null;

  @Field(() => DoraLevelEnum, { nullable: true })
  level!: DoraLevel | null;

  @Field(() => Int)
  sampleSize!: number;

  @Field(() => [DoraPoint], { description: 'one point per bucket in [from, to), empty buckets included' })
  series!: DoraPoint[];
}

@ObjectType('DoraMetrics')
export class DoraMetrics {
  @Field(() => DateTimeScalar)
  from!: Date;

  @Field(() => DateTimeScalar)
  to!: Date;

  @Field(() => IntervalEnum)
  interval!: Interval;

  @Field(() => String)
  timeZone!: string;

  @Field(() => String)
  benchmark!: string;

  @Field(() => DoraMetric)
  deploymentFrequency!: DoraMetric;

  @Field(() => DoraMetric)
  leadTimeForChanges!: DoraMetric;

  @Field(() => DoraMetric)
  changeFailureRate!: DoraMetric;

  @Field(() => DoraMetric)
  timeToRestore!: DoraMetric;

  @Field(() => DoraMetric)
  deploymentReworkRate!: DoraMetric;
}

@InputType('DoraFilter')
export class DoraFilter {
  @Field(() => DateTimeScalar)
  from!: Date;

  @Field(() => DateTimeScalar)
  to!: Date;

  @Field(() => IntervalEnum, { nullable: true, description: 'default WEEK' })
  interval?: Interval | null;

  @Field(() => [ID], { nullable: true })
  serviceIds?: string[] | null;

  @Field(() => String, { nullable: true })
  team?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'IANA name, default "UTC"; buckets start at local midnight / Monday / 1st',
  })
  timeZone?: string | null;
}
