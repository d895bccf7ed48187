import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Role } from '../../db/domain';
import { ApiTokenEntity } from '../../db/entities/api-token.entity';
import { PrincipalEntity } from '../../db/entities/principal.entity';

export interface AuthenticatedPrincipal {
  id: string;
  name: string;
  role: Role;
}

const tokenPrefix = 'lsk_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Issues, resolves and bootstraps API tokens. Tokens are random; only their SHA-256 is stored. */
export class TokenService {
  constructor(private readonly dataSource: DataSource) {}

  async create(name: string, role: Role): Promise<{ token: string; principal: PrincipalEntity }> {
    const token = `${tokenPrefix}${randomBytes(32).toString('base64url')}`;
    const principal = await this.dataSource.transaction(async (manager) => {
      const created = await manager.save(manager.create(PrincipalEntity, { name, role }));
      await manager.save(
        manager.create(ApiTokenEntity, {
          principalId: created.id,
          tokenHash: hashToken(token),
          revokedAt: null,
        }),
      );
      return created;
    });
    return { token, principal };
  }

  /** The principal a token stands for, or null when it is unknown or revoked. */
  async authenticate(token: string): Promise<AuthenticatedPrincipal | null> {
    const rows: AuthenticatedPrincipal[] = await this.dataSource.query(
      `SELECT p.id, p.name, p.role FROM api_tokens t JOIN principals p ON p.id = t.principal_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
      [hashToken(token)],
    );
    return rows[0] ?? null;
  }

  /** Makes sure `token` (LOCKSTEP_ADMIN_TOKEN) is a valid ADMIN token; safe to call at every boot. */
  async ensureAdminToken(token: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // Serialise concurrent boots (several API replicas) so the token is inserted once.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['lockstep.admin-token']);
      const rows: Array<{ principal_id: string }> = await manager.query(
        'SELECT principal_id FROM api_tokens WHERE token_hash = $1',
        [hashToken(token)],
      );
      const existing = rows[0];
      if (existing) {
        await manager.query(`UPDATE principals SET role = 'ADMIN' WHERE id = $1`, [existing.principal_id]);
        await manager.query('UPDATE api_tokens SET revoked_at = NULL WHERE token_hash = $1', [
          hashToken(token),
        ]);
        return;
      }
      const principal = await manager.save(
        manager.create(PrincipalEntity, { name: 'admin', role: 'ADMIN' as const }),
      );
      await manager.save(
        manager.create(ApiTokenEntity, {
          principalId: principal.id,
          tokenHash: hashToken(token),
          revokedAt: null,
        }),
      );
    });
  }
}
