import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { ActionKind, ActionStatus, RunStatus, StageStatus } from '../../db/domain';
import { connectionOf } from '../graphql/connection';
import { ActionKindEnum, ActionStatusEnum, RunStatusEnum, StageStatusEnum } from '../graphql/enums';
import { DateTimeScalar } from '../graphql/scalars';

@ObjectType('LogLine')
export class LogLine {
  @Field(() => Int)
  seq!: number;

  @Field(() => DateTimeScalar)
  at!: Date;

  @Field(() => String)
  stream!: string;

  @Field(() => String)
  text!: string;
}

@ObjectType('ActionAttempt')
export class ActionAttempt {
  @Field(() => Int)
  number!: number;

  @Field(() => DateTimeScalar)
  startedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true })
  error!: string | null;
}

@ObjectType('Approval')
export class Approval {
  @Field(() => Boolean)
  approved!: boolean;

  @Field(() => String, { nullable: true })
  comment!: string | null;

  @Field(() => DateTimeScalar)
  at!: Date;
}

@ObjectType('ActionRun')
export class ActionRun {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => ActionKindEnum)
  kind!: ActionKind;

  @Field(() => Int)
  runOrder!: number;

  @Field(() => ActionStatusEnum)
  status!: ActionStatus;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType('StageRun')
export class StageRun {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Int)
  position!: number;

  @Field(() => StageStatusEnum)
  status!: StageStatus;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType('PipelineRun')
export class PipelineRun {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: '1, 2, 3... per pipeline' })
  number!: number;

  @Field(() => RunStatusEnum)
  status!: RunStatus;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true })
  failureReason!: string | null;

  @Field(() => String)
  temporalWorkflowId!: string;
}

export const PipelineRunConnection = connectionOf(PipelineRun);
