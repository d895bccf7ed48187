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
 * The secrets in scope ($1 environment, $2 pipeline), narrowest scope last: global ones, then the
 * environment's, then the pipeline's. Shared with `secretsInScopeJson`.
 */
const inScope = (environment: string, pipeline: string) => `FROM secrets
      WHERE scope = 'GLOBAL'
         OR (scope = 'ENVIRONMENT' AND environment_id = ${environment})
         OR (scope = 'PIPELINE' AND pipeline_id = ${pipeline})`;
const scopeOrder = `CASE scope WHEN 'GLOBAL' THEN 0 WHEN 'ENVIRONMENT' THEN 1 ELSE 2 END`;

/**
 * The secrets in scope as one JSON array (sealed, bytes in hex), for a statement that reads them with
 * something else (a command attempt's start): a scalar subquery over the statement's own parameters
 * `environment` and `pipeline` (placeholders such as `$20`). Read it with `openSecretsJson`.
 */
export const secretsInScopeJson = (environment: string, pipeline: string) =>
  `SELECT COALESCE(json_agg(json_build_object('name', name, 'ciphertext', encode(ciphertext, 'hex'),
            'iv', encode(iv, 'hex'), 'auth_tag', encode(auth_tag, 'hex'), 'key_fingerprint', key_fingerprint)
          ORDER BY ${scopeOrder}), '[]'::json)
     ${inScope(environment, pipeline)}`;

/** Opens sealed rows in scope order, by name: a later (narrower) scope replaces an earlier one. */
function openInScope(
  box: SecretBox | null,
  rows: Array<SealedRow & { name: string }>,
): Record<string, string> {
  if (rows.length === 0) return {};
  if (!box) throw new SecretKeyError('secrets are stored but LOCKSTEP_SECRET_KEY is not set');
  const values: Record<string, string> = {};
  for (const row of rows) values[row.name] = box.open(sealed(row));
  return values;
}

/** What `secretsInScopeJson` reads: sealed rows, bytes in hex. */
export type SealedSecretsJson = Array<{
  name: string;
  ciphertext: string;
  iv: string;
  auth_tag: string;
  key_fingerprint: string;
}>;

/** The secrets `secretsInScopeJson` read, opened: see `secretsInScope`. */
export function openSecretsJson(box: SecretBox | null, json: SealedSecretsJson): Record<string, string> {
  const hex = (text: string) => Buffer.from(text, 'hex');
  return openInScope(
    box,
    json.map((row) => ({
      name: row.name,
      ciphertext: hex(row.ciphertext),
      iv: hex(row.iv),
      auth_tag: hex(row.auth_tag),
      key_fingerprint: row.key_fingerprint,
    })),
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
    `SELECT name, ciphertext, iv, auth_tag, key_fingerprint ${inScope('$1', '$2')}
      ORDER BY ${scopeOrder}`,
    [scope.environmentId, scope.pipelineId],
  );
  return openInScope(box, rows);
}

/** A webhook subscription's shared secret, for signing a delivery. */
export function openSealedRow(box: SecretBox | null, row: SealedRow): string {
  if (!box) throw new SecretKeyError('webhook secrets are stored but LOCKSTEP_SECRET_KEY is not set');
  return box.open(sealed(row));
}
