import { GraphQLError } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import type { Context } from '../context';
import { DomainError } from '../errors';

/**
 * Records a mutation that passed the role check, with its outcome: ALLOWED, DENIED (a rule such as no
 * self-approval refused it) or FAILED (bad input, a conflict, an internal error). Role-check denials are
 * recorded by the auth checker, which runs before this. Every mutation gets it through `@GuardedMutation`
 * (a global middleware would wrap every field of every query).
 */
export const auditMutations: MiddlewareFn<Context> = async ({ info, args, context }, next) => {
  const entry = { principal: context.principal, operation: info.fieldName, args };
  try {
    const result: unknown = await next();
    // A reason is given for the record (a skip, a cancel, an override): it is the allowed entry's detail.
    const reason = typeof args.reason === 'string' ? args.reason.trim() || null : null;
    await context.services.audit.record({ ...entry, outcome: 'ALLOWED', detail: reason });
    return result;
  } catch (error) {
    const code = error instanceof GraphQLError ? error.extensions.code : undefined;
    const denied = code === 'FORBIDDEN' || code === 'UNAUTHENTICATED';
    await context.services.audit.record({
      ...entry,
      outcome: denied ? 'DENIED' : 'FAILED',
      errorCode: typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR',
      // Domain messages are written for the caller and carry no secrets; internal ones stay in the log.
      detail: error instanceof DomainError ? error.message : null,
    });
    throw error;
  }
};
