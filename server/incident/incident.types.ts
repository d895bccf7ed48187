import { Field, ID, InputType, ObjectType } from 'type-graphql';
import type { IncidentAttribution } from '../../db/domain';
import { IncidentAttributionEnum } from '../graphql/enums';
import { DateTimeScalar } from '../graphql/scalars';

@ObjectType('Incident')
export class Incident {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => DateTimeScalar)
  openedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  resolvedAt!: Date | null;

  @Field(() => Boolean)
  external!: boolean;

  @Field(() => IncidentAttributionEnum, {
    description: 'how causedBy was decided (docs/dora.md, "Incidents")',
  })
  attribution!: IncidentAttribution;
}

@InputType('IncidentInput')
export class IncidentInput {
  @Field(() => ID)
  serviceId!: string;

  @Field(() => String)
  title!: string;

  @Field(() => DateTimeScalar)
  openedAt!: Date;

  @Field(() => ID, { nullable: true })
  causedByDeploymentRunId?: string | null;

  @Field(() => Boolean, { nullable: true })
  external?: boolean | null;
}
