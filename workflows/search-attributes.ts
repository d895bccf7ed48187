import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { runSearchAttributes } from './definitions';

const keywordType = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/**
 * Registers the run search attributes in the namespace when they are missing. Workflows set them, and
 * Temporal refuses a workflow whose attributes are unknown, so every process that starts or runs workflows
 * calls this at boot. Idempotent: another process registering them at the same moment is fine.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([
    ...Object.keys(listed.customAttributes ?? {}),
    ...Object.keys(listed.systemAttributes ?? {}),
  ]);
  const missing = Object.values(runSearchAttributes).filter((key) => !known.has(key.name));
  if (missing.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, keywordType])),
    });
  } catch (error) {
    if ((error as { code?: number }).code !== 6) throw error; // ALREADY_EXISTS: registered meanwhile
  }
}
