import { Field, InputType, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars';

@ObjectType('Revision')
export class Revision {
  @Field(() => String)
  sha!: string;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => String, { nullable: true })
  author!: string | null;

  @Field(() => DateTimeScalar)
  committedAt!: Date;
}

@InputType('RevisionInput')
export class RevisionInput {
  @Field(() => String)
  sha!: string;

  @Field(() => DateTimeScalar, { description: 'the author date' })
  committedAt!: Date;

  @Field(() => String, { nullable: true })
  message?: string | null;

  @Field(() => String, { nullable: true })
  author?: string | null;
}

/** One commit of a change set: the same fields as a revision, under the name clients know. */
@InputType('CommitInput')
export class CommitInput extends RevisionInput {}
