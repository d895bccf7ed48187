import type { DataSource } from 'typeorm';
import type { AuthenticatedPrincipal } from '../auth/principal';

export type AuditOutcome = 'ALLOWED' | 'DENIED' | 'FAILED';

export interface AuditEntry {
  principal: AuthenticatedPrincipal | null;
  operation: string;
  args: Record<string, unknown>;
  outcome: AuditOutcome;
  errorCode?: string | null;
  detail?: string | null;
}

/** Argument names kept in the audit trail: ids and names. Values, secrets, commands and comments are not. */
const kept = /(^id$|Id$|Ids$|^name$|^role$|^enabled$)/;

/** The ids and names an operation's arguments (and its `input`) named. */
export function auditTarget(args: Record<string, unknown>): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  const take = (source: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(source)) {
      if (key === 'input' && value && typeof value === 'object' && !Array.isArray(value)) {
        take(value as Record<string, unknown>, 'input.');
      } else if (kept.test(key) && value !== undefined && value !== null && typeof value !== 'object') {
        target[`${prefix}${key}`] = value;
      } else if (kept.test(key) && Array.isArray(value)) {
        target[`${prefix}${key}`] = value.filter((v) => typeof v === 'string').slice(0, 100);
      }
    }
  };
  take(args, '');
  return target;
}

/** Writes the audit trail: who did what, when, and with what outcome. */
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: (message: string) => void,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    try {
      await this.dataSource.query(
        `INSERT INTO audit_log (principal_id, principal_name, operation, target, outcome, error_code, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          entry.principal?.id ?? null,
          entry.principal?.name ?? null,
          entry.operation,
          JSON.stringify(auditTarget(entry.args)),
          entry.outcome,
          entry.errorCode ?? null,
          entry.detail?.slice(0, 500) ?? null,
        ],
      );
    } catch (error) {
      // The decision stands; losing its record is reported loudly instead.
      this.log(`audit: could not record ${entry.outcome} ${entry.operation}: ${(error as Error).message}`);
    }
  }
}
