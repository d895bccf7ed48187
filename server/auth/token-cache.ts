import { hashToken, type AuthenticatedPrincipal } from './principal';

/**
 * Remembers which principal a token stands for, so a request costs no lookup. Revocations arrive by
 * NOTIFY and take effect at once (`forget`); the time limit bounds how long one missed while this process
 * was disconnected could go unnoticed, and an entry never outlives its token's expiry. Unknown tokens are
 * not remembered.
 */
export class TokenCache {
  private readonly entries = new Map<string, { principal: AuthenticatedPrincipal; until: number }>();

  constructor(
    private readonly lookup: (token: string) => Promise<AuthenticatedPrincipal | null>,
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  async authenticate(token: string): Promise<AuthenticatedPrincipal | null> {
    const key = hashToken(token);
    const hit = this.entries.get(key);
    if (hit && hit.until > Date.now()) return hit.principal;
    const principal = await this.lookup(token);
    if (!principal) {
      this.entries.delete(key);
      return null;
    }
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    // Never remembered past the token's expiry.
    const until = Math.min(Date.now() + this.ttlMs, principal.expiresAt?.getTime() ?? Infinity);
    this.entries.set(key, { principal, until });
    return principal;
  }

  forget(tokenId: string): void {
    for (const [key, entry] of this.entries)
      if (entry.principal.tokenId === tokenId) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
