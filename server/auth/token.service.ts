import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Role } from '../../db/domain';
import { ApiTokenEntity } from '../../db/entities/api-token.entity';
import { PrincipalEntity } from '../../db/entities/principal.entity';
import { notifyChannels } from '../../db/notify';
import { badInput, notFound } from '../errors';
import { isUuid } from '../graphql/validate';
import { hashToken, type AuthenticatedPrincipal } from './principal';
import { TokenCache } from './token-cache';

export interface ApiTokenRow {
  id: string;
  principalId: string;
  createdAt: Date;
  revokedAt: Date | null;
  expiresAt: Date | null;
}

const tokenPrefix = 'lsk_';

/** Issues, resolves and bootstraps API tokens. Tokens are random; only their SHA-256 is stored. */
export class TokenService {
  private readonly cache = new TokenCache((token) => this.authenticate(token));

  constructor(private readonly dataSource: DataSource) {}

  /** `authenticate` through this process's cache (requests; revocations clear it, see `forget`). */
  authenticateCached(token: string): Promise<AuthenticatedPrincipal | null> {
    return this.cache.authenticate(token);
  }

  forget(tokenId: string): void {
    this.cache.forget(tokenId);
  }

  forgetAll(): void {
    this.cache.clear();
  }

  /** A new token for a new principal; with `expiresAt`, refused from that instant on like a revoked one. */
  async create(
    name: string,
    role: Role,
    expiresAt: Date | null = null,
  ): Promise<{ token: string; tokenId: string; principal: PrincipalEntity; expiresAt: Date | null }> {
    if (expiresAt && !(expiresAt.getTime() > Date.now()))
      throw badInput('expiresAt', 'must be in the future');
    const token = `${tokenPrefix}${randomBytes(32).toString('base64url')}`;
    const { principal, tokenId } = await this.dataSource.transaction(async (manager) => {
      const created = await manager.save(manager.create(PrincipalEntity, { name, role }));
      const saved = await manager.save(
        manager.create(ApiTokenEntity, {
          principalId: created.id,
          tokenHash: hashToken(token),
          revokedAt: null,
          expiresAt,
        }),
      );
      return { principal: created, tokenId: saved.id };
    });
    return { token, tokenId, principal, expiresAt };
  }

  /** Revokes a token at once: requests with it are refused, live connections using it are closed. */
  async revoke(tokenId: string): Promise<boolean> {
    const [rows]: [Array<{ id: string }>, number] = isUuid(tokenId)
      ? await this.dataSource.query(
          `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING id`,
          [tokenId],
        )
      : [[], 0];
    if (rows.length === 0) throw notFound('API token', tokenId);
    this.forget(tokenId);
    await this.dataSource.query('SELECT pg_notify($1, $2)', [
      notifyChannels.tokens,
      JSON.stringify({ tokenId }),
    ]);
    return true;
  }

  list(): Promise<ApiTokenRow[]> {
    return this.dataSource.query(
      `SELECT id, principal_id AS "principalId", created_at AS "createdAt", revoked_at AS "revokedAt",
              expires_at AS "expiresAt"
         FROM api_tokens ORDER BY created_at, id`,
    );
  }

  /** The principal a token stands for, or null when it is unknown, revoked or expired. */
  async authenticate(token: string): Promise<AuthenticatedPrincipal | null> {
    const rows: AuthenticatedPrincipal[] = await this.dataSource.query(
      `SELECT p.id, p.name, p.role, t.id AS "tokenId", t.expires_at AS "expiresAt"
         FROM api_tokens t JOIN principals p ON p.id = t.principal_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [hashToken(token)],
    );
    return rows[0] ?? null;
  }

  /** The ids among `tokenIds` that may still be used (neither revoked nor expired), read afresh. */
  async validTokenIds(tokenIds: string[]): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM api_tokens
        WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [tokenIds.filter(isUuid)],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Makes sure `token` (LOCKSTEP_ADMIN_TOKEN) is a valid ADMIN token; safe to call at every boot. A
   * revocation is final: once the token has been revoked it is left revoked (and said so in one line), so
   * revoking the bootstrap token through the API retires it for good, whatever the environment still says.
   */
  async ensureAdminToken(
    token: string,
    log: (message: string) => void = () => undefined,
  ): Promise<'created' | 'ensured' | 'revoked'> {
    return this.dataSource.transaction(async (manager) => {
      // Serialise concurrent boots (several API replicas) so the token is inserted once.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['lockstep.admin-token']);
      const rows: Array<{ principal_id: string; revoked_at: Date | null }> = await manager.query(
        'SELECT principal_id, revoked_at FROM api_tokens WHERE token_hash = $1',
        [hashToken(token)],
      );
      const existing = rows[0];
      if (existing?.revoked_at) {
        log(
          `LOCKSTEP_ADMIN_TOKEN was revoked at ${existing.revoked_at.toISOString()}; it stays revoked and is ignored (unset the variable)`,
        );
        return 'revoked';
      }
      if (existing) {
        await manager.query(`UPDATE principals SET role = 'ADMIN' WHERE id = $1`, [existing.principal_id]);
        return 'ensured';
      }
      const principal = await manager.save(
        manager.create(PrincipalEntity, { name: 'admin', role: 'ADMIN' as const }),
      );
      await manager.save(
        manager.create(ApiTokenEntity, {
          principalId: principal.id,
          tokenHash: hashToken(token),
          revokedAt: null,
          expiresAt: null,
        }),
      );
      return 'created';
    });
  }
}
