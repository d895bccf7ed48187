import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Query,
  Resolver,
  Root,
  type AuthChecker,
} from 'type-graphql';
import { roles, type Role } from '../../db/domain';
import { GuardedMutation } from '../audit/guarded-mutation';
import type { Context } from '../context';
import { badInput, forbidden, unauthenticated } from '../errors';
import { RoleEnum } from '../graphql/enums';
import { DateTimeScalar } from '../graphql/scalars';
import { requiredText } from '../graphql/validate';
import { ApiToken, CreatedToken, Principal } from './auth.types';
import type { ApiTokenRow } from './token.service';

export function hasRole(actual: Role, needed: Role): boolean {
  return roles.indexOf(actual) >= roles.indexOf(needed);
}

/**
 * `@Authorized(role)`: VIEWER < OPERATOR < APPROVER < ADMIN. Throws coded errors instead of returning false;
 * a refused mutation is written to the audit trail.
 */
export const authChecker: AuthChecker<Context, Role> = async ({ context, info, args }, needed) => {
  const role = needed[0] ?? 'VIEWER';
  const error = !context.principal
    ? unauthenticated()
    : !hasRole(context.principal.role, role)
      ? forbidden(role)
      : null;
  if (!error) return true;
  if (info.parentType.name === 'Mutation') {
    await context.services.audit.record({
      principal: context.principal,
      operation: info.fieldName,
      args,
      outcome: 'DENIED',
      errorCode: String(error.extensions.code),
      detail: error.message,
    });
  }
  throw error;
};

@Resolver()
export class AuthResolver {
  @Authorized('VIEWER')
  @Query(() => Principal)
  viewer(@Ctx() ctx: Context) {
    return ctx.principal;
  }

  @GuardedMutation('ADMIN', () => CreatedToken)
  createApiToken(
    @Arg('name', () => String) name: string,
    @Arg('role', () => RoleEnum) role: Role,
    @Arg('expiresAt', () => DateTimeScalar, {
      nullable: true,
      description: 'When the token stops working (refused like a revoked one, live connections closed)',
    })
    expiresAt: Date | null | undefined,
    @Ctx() ctx: Context,
  ) {
    if (!roles.includes(role)) throw badInput('role', `must be one of ${roles.join(', ')}`);
    return ctx.services.tokens.create(requiredText('name', name, 100), role, expiresAt ?? null);
  }
}

@Resolver(() => ApiToken)
export class ApiTokenResolver {
  @Authorized('ADMIN')
  @Query(() => [ApiToken])
  apiTokens(@Ctx() ctx: Context) {
    return ctx.services.tokens.list();
  }

  @GuardedMutation('ADMIN', () => Boolean, { description: 'Revokes at once, also for live subscriptions' })
  revokeApiToken(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.tokens.revoke(id);
  }

  @FieldResolver(() => Principal)
  principal(@Root() token: ApiTokenRow, @Ctx() ctx: Context) {
    return ctx.loaders.principal.load(token.principalId);
  }
}
