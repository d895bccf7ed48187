import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { DeploymentRunStatus } from '../../db/domain';
import { connectionOf } from '../graphql/connection';
import { DeploymentRunStatusEnum } from '../graphql/enums';
import { DateTimeScalar } from '../graphql/scalars';
import { ArtifactInput } from '../release/release.types';
import { CommitInput, RevisionInput } from '../run/revision.types';
import { Approval, LogLine } from '../run/run.types';

@ObjectType('PlanApprovalRules', {
  description: "A Deployment's plan approval: the options of an approval gate (used when it requires one).",
})
export class PlanApprovalRules {
  @Field(() => Int, { description: 'distinct approvers needed (default 1)' })
  requiredApprovals!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'after this, nobody decided: it ends TIMED_OUT (null: no timeout)',
  })
  timeoutSeconds!: number | null;

  @Field(() => Boolean, { description: 'whoever started the run may approve its plan (default false)' })
  allowSelfApproval!: boolean;
}

@InputType('PlanApprovalInput')
export class PlanApprovalInput {
  @Field(() => Int, { nullable: true, description: '1 to 20; default 1' })
  requiredApprovals?: number | null;

  @Field(() => Int, { nullable: true, description: '1 s to 30 days; null: no timeout' })
  timeoutSeconds?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'default false' })
  allowSelfApproval?: boolean | null;
}

@ObjectType('Deployment', {
  description:
    'A reusable unit that puts one service into one environment: plan, optional plan approval, apply.',
})
export class Deployment {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  planCommand!: string | null;

  @Field(() => String)
  applyCommand!: string;

  @Field(() => Boolean)
  requirePlanApproval!: boolean;
}

@InputType('DeploymentInput')
export class DeploymentInput {
  @Field(() => String)
  name!: string;

  @Field(() => ID)
  serviceId!: string;

  @Field(() => ID)
  environmentId!: string;

  @Field(() => String, { nullable: true })
  planCommand?: string | null;

  @Field(() => String)
  applyCommand!: string;

  @Field(() => Boolean, { nullable: true })
  requirePlanApproval?: boolean | null;

  @Field(() => PlanApprovalInput, {
    nullable: true,
    description: 'the options of its plan approval (default: one approver, no self-approval, no timeout)',
  })
  planApproval?: PlanApprovalInput | null;
}

@ObjectType('DeploymentRun')
export class DeploymentRun {
  @Field(() => ID)
  id!: string;

  @Field(() => DeploymentRunStatusEnum)
  status!: DeploymentRunStatus;

  @Field(() => Boolean)
  isRollback!: boolean;

  @Field(() => Boolean)
  external!: boolean;

  @Field(() => DateTimeScalar)
  startedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'why the deployment run failed or was cancelled' })
  failureReason!: string | null;
}

export const DeploymentRunConnection = connectionOf(DeploymentRun);

/** The same line as an action's log, with the step that wrote it. */
@ObjectType('DeploymentLogLine', {
  description: 'A line written by a deployment run’s plan or apply command.',
})
export class DeploymentLogLine extends LogLine {
  @Field(() => String, { description: '"plan" or "apply"' })
  step!: string;
}

/** The same decision as on an approval gate, on a plan. */
@ObjectType('PlanApproval', { description: 'A decision on a deployment run’s plan.' })
export class PlanApproval extends Approval {}

@InputType('ExternalDeploymentInput')
export class ExternalDeploymentInput {
  @Field(() => ID)
  serviceId!: string;

  @Field(() => ID)
  environmentId!: string;

  @Field(() => DeploymentRunStatusEnum)
  status!: DeploymentRunStatus;

  @Field(() => DateTimeScalar)
  startedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt?: Date | null;

  @Field(() => RevisionInput, { nullable: true })
  revision?: RevisionInput | null;

  @Field(() => [CommitInput], { nullable: true })
  commits?: CommitInput[] | null;

  @Field(() => Boolean, { nullable: true })
  isRollback?: boolean | null;

  @Field(() => [ArtifactInput], { nullable: true, description: 'what it deployed' })
  artifacts?: ArtifactInput[] | null;
}
