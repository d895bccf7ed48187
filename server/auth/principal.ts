import { createHash } from 'node:crypto';
import type { Role } from '../../db/domain';
import type { PrincipalEntity } from '../../db/entities/principal.entity';

/** Who is calling: the principal behind the API token of the request or connection. */
export interface AuthenticatedPrincipal {
  id: string;
  name: string;
  role: Role;
  /** The token the caller authenticated with (live connections end when it is revoked). */
  tokenId: string;
  /** When the token expires (live connections end then); null or absent: never. */
  expiresAt?: Date | null;
}

/** Tokens are stored and remembered only as their SHA-256. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The caller a freshly created token stands for (for scripts and tests that act without HTTP). */
export function callerOf(created: { tokenId: string; principal: PrincipalEntity }): AuthenticatedPrincipal {
  return {
    id: created.principal.id,
    name: created.principal.name,
    role: created.principal.role,
    tokenId: created.tokenId,
  };
}
