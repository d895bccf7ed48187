import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { AuditLogRow } from '../../db/audit-log';
import { Principal } from '../auth/auth.types';
import type { Context } from '../context';
import { AuditEntry, AuditEntryConnection } from './audit.types';

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Authorized('ADMIN')
  @Query(() => AuditEntryConnection, {
    description: 'The audit trail, newest first: every mutation, allowed, denied or failed (ADMIN).',
  })
  auditLog(
    @Arg('principalId', () => ID, { nullable: true }) principalId: string | null,
    @Arg('operation', () => String, { nullable: true, description: 'a mutation name, e.g. approveAction' })
    operation: string | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.auditPresenter.list({ principalId, operation, first, after });
  }

  @FieldResolver(() => Principal, {
    nullable: true,
    description: 'who called; null for a call without a valid token, or a principal since deleted',
  })
  principal(@Root() entry: AuditLogRow, @Ctx() ctx: Context) {
    return entry.principalId ? ctx.loaders.principal.load(entry.principalId) : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'the ids, names, role and enabled flag among the arguments, as JSON; never values or text',
  })
  target(@Root() entry: AuditLogRow): string | null {
    return Object.keys(entry.target).length > 0 ? JSON.stringify(entry.target) : null;
  }
}
