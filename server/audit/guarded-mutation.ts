import { Authorized, Mutation, UseMiddleware } from 'type-graphql';
import type { Role } from '../../db/domain';
import { auditMutations } from './audit.middleware';

/** What `@Mutation` takes: the GraphQL return type, and optionally a description. */
type ReturnTypeOf = () => unknown;

/**
 * Every mutation is declared with this: the role it needs and the audit trail come with it, so no
 * mutation can be added without either.
 */
export function GuardedMutation(
  role: Role,
  returnType: ReturnTypeOf,
  options: { description?: string } = {},
): MethodDecorator {
  return (target, key, descriptor) => {
    Mutation(returnType as never, options)(target, key, descriptor);
    UseMiddleware(auditMutations)(target, key, descriptor);
    Authorized(role)(target, key, descriptor);
  };
}
