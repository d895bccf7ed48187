import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets at rest: AES-256-GCM under the key from LOCKSTEP_SECRET_KEY (32 bytes, base64). Each value has its
 * own random 96-bit IV; the GCM tag authenticates it, so a wrong key or a tampered row fails loudly instead
 * of decrypting to garbage. Rows keep the key's fingerprint, so a key mismatch is told apart from damage.
 */
export interface SealedValue {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  keyFingerprint: string;
}

/** A sealed value as the parameters of the four columns that store one: ciphertext, IV, tag, fingerprint. */
export function sealedColumns(sealed: SealedValue): [Buffer, Buffer, Buffer, string] {
  return [sealed.ciphertext, sealed.iv, sealed.tag, sealed.keyFingerprint];
}

export class SecretKeyError extends Error {}

export class SecretBox {
  readonly fingerprint: string;

  private constructor(private readonly key: Buffer) {
    this.fingerprint = createHash('sha256').update(key).digest('hex').slice(0, 16);
  }

  /** From the base64 text of LOCKSTEP_SECRET_KEY; throws SecretKeyError unless it is 32 bytes. */
  static fromBase64(text: string): SecretBox {
    const key = Buffer.from(text.trim(), 'base64');
    if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== text.trim().replace(/=+$/, '')) {
      throw new SecretKeyError('must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)');
    }
    return new SecretBox(key);
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  /**
   * A key of its own for `purpose`, derived from this one with HKDF-SHA256: each use (sealing, proving
   * decisions, ...) has a separate key, and none of them reveals the others or this one.
   */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `lockstep:${purpose}`, 32));
  }

  seal(value: string): SealedValue {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return { ciphertext, iv, tag: cipher.getAuthTag(), keyFingerprint: this.fingerprint };
  }

  open(sealed: SealedValue): string {
    if (sealed.keyFingerprint !== this.fingerprint) {
      throw new SecretKeyError(
        'a secret was sealed with another key: LOCKSTEP_SECRET_KEY is not the key the secrets were stored with',
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.iv);
    decipher.setAuthTag(sealed.tag);
    try {
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretKeyError('a stored secret failed authentication: it was altered, or the key is wrong');
    }
  }
}

/** The shortest value a secret may have: shorter ones would mask ordinary words all over the logs. */
export const minSecretLength = 4;
