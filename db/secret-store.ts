import type { DataSource } from 'typeorm';
import { SecretBox, SecretKeyError, type SealedValue } from './secret-box';

interface SealedRow {
  ciphertext: Buffer;
  iv: Buffer;
  auth_tag: Buffer;
  key_fingerprint: string;
}

const sealed = (row: SealedRow): SealedValue => ({
  ciphertext: row.ciphertext,
  iv: row.iv,
  tag: row.auth_tag,
  keyFingerprint: row.key_fingerprint,
});

/** The configured key, or null when none is set. */
export function secretBoxFrom(key: string | undefined): SecretBox | null {
  return key ? SecretBox.fromBase64(key) : null;
}

/**
 * Checked at boot by every process that reads sealed values: when secrets or webhook secrets are stored,
 * the configured key must be the one they were sealed with (a wrong key would otherwise fail every action
 * that uses them, much later). Throws SecretKeyError with a message naming LOCKSTEP_SECRET_KEY.
 */
export async function checkSecretKey(dataSource: DataSource, box: SecretBox | null): Promise<void> {
  const rows: Array<SealedRow & { source: string }> = await dataSource.query(
    `SELECT 'secret' AS source, ciphertext, iv, auth_tag, key_fingerprint FROM secrets
      WHERE key_fingerprint IS DISTINCT FROM $1
     UNION ALL
     SELECT 'webhook secret', secret_ciphertext, secret_iv, secret_auth_tag, key_fingerprint FROM webhook_subscriptions
      WHERE key_fingerprint IS DISTINCT FROM $1
     LIMIT 1`,
    [box?.fingerprint ?? null],
  );
  const mismatch = rows[0];
  if (!mismatch) return;
  if (!box) {
    throw new SecretKeyError(
      `LOCKSTEP_SECRET_KEY must be set: a ${mismatch.source} is stored sealed with a key`,
    );
  }
  throw new SecretKeyError(
    `LOCKSTEP_SECRET_KEY is not the key the stored ${mismatch.source}s were sealed with (its fingerprint is ${box.fingerprint})`,
  );
}

/**
 * The secrets an action receives, by name: global ones, then its environment's, then its pipeline's (the
 * narrowest scope wins). Decrypted only here, at the moment the action starts.
 */
export async function secretsInScope(
  dataSource: DataSource,
  box: SecretBox | null,
  scope: { pipelineId: string | null; environmentId: string | null },
): Promise<Record<string, string>> {
  const rows: Array<SealedRow & { name: string }> = await dataSource.query(
    `SELECT name, ciphertext, iv, auth_tag, key_fingerprint FROM secrets
      WHERE scope = 'GLOBAL'
         OR (scope = 'ENVIRONMENT' AND environment_id = $1)
         OR (scope = 'PIPELINE' AND pipeline_id = $2)
      ORDER BY CASE scope WHEN 'GLOBAL' THEN 0 WHEN 'ENVIRONMENT' THEN 1 ELSE 2 END`,
    [scope.environmentId, scope.pipelineId],
  );
  if (rows.length === 0) return {};
  if (!box) throw new SecretKeyError('secrets are stored but LOCKSTEP_SECRET_KEY is not set');
  const values: Record<string, string> = {};
  for (const row of rows) values[row.name] = box.open(sealed(row));
  return values;
}

/** A webhook subscription's shared secret, for signing a delivery. */
export function openSealedRow(box: SecretBox | null, row: SealedRow): string {
  if (!box) throw new SecretKeyError('webhook secrets are stored but LOCKSTEP_SECRET_KEY is not set');
  return box.open(sealed(row));
}
