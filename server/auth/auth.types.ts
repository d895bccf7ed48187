import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars';
import type { Role } from '../../db/domain';
import { RoleEnum } from '../graphql/enums';

@ObjectType('Principal')
export class Principal {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => RoleEnum)
  role!: Role;
}

@ObjectType('CreatedToken', { description: 'The token is shown only here, once; it is stored hashed.' })
export class CreatedToken {
  @Field(() => String)
  token!: string;

  @Field(() => ID, { description: 'for revokeApiToken' })
  tokenId!: string;

  @Field(() => Principal)
  principal!: Principal;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'From then on the token is refused like a revoked one; null: it never expires',
  })
  expiresAt!: Date | null;
}

@ObjectType('ApiToken', { description: 'An issued API token (never its value).' })
export class ApiToken {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'null: the token never expires' })
  expiresAt!: Date | null;
}
