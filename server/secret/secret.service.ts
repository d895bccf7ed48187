import type { DataSource } from 'typeorm';
import { minSecretLength, sealedColumns, type SecretBox } from '../../db/secret-box';
import { badInput, conflict } from '../errors';
import { deleteRow, rowExists } from '../graphql/references';
import { isUuid } from '../graphql/validate';
import type { SecretInput, SecretScope } from './secret.types';

/** A secret as the API shows it: everything but the value. */
export interface SecretRow {
  id: string;
  name: string;
  scope: SecretScope;
  environmentId: string | null;
  pipelineId: string | null;
  updatedAt: Date;
}

const columns = `id, name, scope, environment_id AS "environmentId", pipeline_id AS "pipelineId", updated_at AS "updatedAt"`;
const secretName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const maxValueBytes = 65_536;

/**
 * Writes and lists secrets. Values go in sealed and never come out here: no returned row, error message or
 * log line carries one. Messages about a bad value describe it, never quote it.
 */
export class SecretService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox | null,
  ) {}

  /** Creates the secret, or rotates its value when one of the name exists in that scope. */
  async set(input: SecretInput): Promise<SecretRow> {
    const name = input.name.trim();
    if (!secretName.test(name) || name.length > 100) {
      throw badInput(
        'input.name',
        'must be an environment variable name (letters, digits and _, at most 100)',
      );
    }
    if (name.toUpperCase().startsWith('LOCKSTEP_'))
      throw badInput('input.name', 'LOCKSTEP_* names are reserved');
    if (input.value.length < minSecretLength) {
      throw badInput(
        'input.value',
        `must be at least ${minSecretLength} characters (shorter values would mask ordinary log text)`,
      );
    }
    if (Buffer.byteLength(input.value, 'utf8') > maxValueBytes) {
      throw badInput('input.value', `must be at most ${maxValueBytes} bytes`);
    }
    // No environment variable or HTTP header can hold one: the value could never be used, and the error that
    // spawning a command with it gives would quote it in an escaped form the masker does not know.
    if (input.value.includes('\0')) throw badInput('input.value', 'must not contain a NUL character');
    if (input.environmentId && input.pipelineId) {
      throw badInput('input', 'give environmentId or pipelineId, not both');
    }
    const scope: SecretScope = input.environmentId ? 'ENVIRONMENT' : input.pipelineId ? 'PIPELINE' : 'GLOBAL';
    for (const [field, id, table] of [
      ['input.environmentId', input.environmentId, 'environments'],
      ['input.pipelineId', input.pipelineId, 'pipelines'],
    ] as const) {
      if (id && !(await rowExists(this.dataSource, table, id)))
        throw badInput(field, `no ${table.slice(0, -1)} has this id`);
    }
    if (!this.box) throw conflict('secrets cannot be stored: the server has no LOCKSTEP_SECRET_KEY');
    const [row]: SecretRow[] = await this.dataSource.query(
      `INSERT INTO secrets (name, scope, environment_id, pipeline_id, ciphertext, iv, auth_tag, key_fingerprint)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (scope, COALESCE(environment_id, pipeline_id, '00000000-0000-0000-0000-000000000000'::uuid), name)
       DO UPDATE SET ciphertext = EXCLUDED.ciphertext, iv = EXCLUDED.iv, auth_tag = EXCLUDED.auth_tag,
                     key_fingerprint = EXCLUDED.key_fingerprint, updated_at = now()
       RETURNING ${columns}`,
      [
        name,
        scope,
        input.environmentId ?? null,
        input.pipelineId ?? null,
        ...sealedColumns(this.box.seal(input.value)),
      ],
    );
    return row!;
  }

  delete(id: string): Promise<boolean> {
    return deleteRow(this.dataSource, 'secrets', id, 'secret');
  }

  list(filter: { environmentId?: string | null; pipelineId?: string | null }): Promise<SecretRow[]> {
    for (const id of [filter.environmentId, filter.pipelineId])
      if (id && !isUuid(id)) return Promise.resolve([]);
    return this.dataSource.query(
      `SELECT ${columns} FROM secrets
        WHERE ($1::uuid IS NULL OR environment_id = $1) AND ($2::uuid IS NULL OR pipeline_id = $2)
        ORDER BY scope, name`,
      [filter.environmentId ?? null, filter.pipelineId ?? null],
    );
  }
}
