import { Field, ID, ObjectType } from 'type-graphql';
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

  @Field(() => Principal)
  principal!: Principal;
}
