import 'reflect-metadata';
import { Field, ID, ObjectType } from 'type-graphql';
import { connectionOf } from '../graphql/connection';
import { DateTimeScalar } from '../graphql/scalars';

@ObjectType('AuditEntry', {
  description: 'One mutation as the audit trail recorded it: who, what, on which ids, and its outcome.',
})
export class AuditEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTimeScalar)
  at!: Date;

  @Field(() => String)
  operation!: string;

  @Field(() => String, { description: 'ALLOWED, DENIED (a role or rule refused it) or FAILED' })
  outcome!: string;
}

export const AuditEntryConnection = connectionOf(AuditEntry);
