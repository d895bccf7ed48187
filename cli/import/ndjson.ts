import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ExternalDeploymentInput } from '../client';

/** One deployment of a history file, with the line it came from (1-based). */
export interface HistoryLine {
  line: number;
  input: ExternalDeploymentInput;
  /** Its size as sent (JSON), so a batch stays under the API's request size. */
  bytes: number;
}

/** A line the API would refuse, found before anything is sent. */
export class HistoryLineError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const statuses = new Set(['RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED']);
const finished = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const shaPattern = /^[0-9a-f]{7,64}$/i;
const fields = new Set([
  'serviceId',
  'environmentId',
  'status',
  'startedAt',
  'finishedAt',
  'revision',
  'commits',
  'isRollback',
  'artifacts',
]);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isDate = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));

/**
 * One line of a history file as an `ExternalDeploymentInput`, checked for what the API checks without its
 * database (shape, status, dates, SHAs), so a file with a mistake on its millionth line sends nothing. The
 * message names the field the way the API does (`commits[0].sha: ...`).
 */
export function parseHistoryLine(text: string, line: number): HistoryLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HistoryLineError(line, `not JSON (${(error as Error).message})`);
  }
  const fail = (message: string): never => {
    throw new HistoryLineError(line, message);
  };
  if (!isObject(value)) return fail('must be a JSON object (one deployment per line)');
  for (const key of Object.keys(value)) if (!fields.has(key)) fail(`${key}: is not a field of a deployment`);
  for (const key of ['serviceId', 'environmentId'] as const)
    if (typeof value[key] !== 'string' || value[key] === '') fail(`${key}: must be an id`);
  const status = value.status;
  if (typeof status !== 'string' || !statuses.has(status))
    fail(`status: must be one of ${[...statuses].join(', ')}`);
  if (!isDate(value.startedAt)) fail('startedAt: must be a date-time');
  const end = value.finishedAt;
  if (end !== undefined && end !== null && !isDate(end)) fail('finishedAt: must be a date-time');
  const hasEnd = end !== undefined && end !== null;
  if (finished.has(status as string) && !hasEnd)
    fail(`finishedAt: is required for a ${String(status)} deployment`);
  if (!finished.has(status as string) && hasEnd) fail(`finishedAt: must be empty while ${String(status)}`);
  if (hasEnd && Date.parse(end as string) < Date.parse(value.startedAt as string))
    fail('finishedAt: must not be before startedAt');
  if (value.isRollback !== undefined && value.isRollback !== null && typeof value.isRollback !== 'boolean')
    fail('isRollback: must be true or false');
  const commit = (field: string, c: unknown) => {
    if (!isObject(c)) return fail(`${field}: must be an object with sha and committedAt`);
    if (typeof c.sha !== 'string' || !shaPattern.test(c.sha.trim()))
      fail(`${field}.sha: must be a commit SHA (7 to 64 hexadecimal characters)`);
    if (!isDate(c.committedAt)) fail(`${field}.committedAt: must be a date-time`);
    for (const key of ['message', 'author'])
      if (c[key] !== undefined && c[key] !== null && typeof c[key] !== 'string')
        fail(`${field}.${key}: must be text`);
  };
  if (value.revision !== undefined && value.revision !== null) commit('revision', value.revision);
  if (value.commits !== undefined && value.commits !== null) {
    if (!Array.isArray(value.commits)) fail('commits: must be a list');
    (value.commits as unknown[]).forEach((c, i) => commit(`commits[${i}]`, c));
  }
  if (value.artifacts !== undefined && value.artifacts !== null) {
    if (!Array.isArray(value.artifacts)) fail('artifacts: must be a list');
    (value.artifacts as unknown[]).forEach((a, i) => {
      if (!isObject(a) || typeof a.name !== 'string' || typeof a.version !== 'string')
        fail(`artifacts[${i}]: must be an object with name and version`);
    });
  }
  return { line, input: value as unknown as ExternalDeploymentInput, bytes: Buffer.byteLength(text) };
}

/**
 * The deployments of an NDJSON file, one per line, streamed (a history of a million lines is never held
 * whole). Blank lines are skipped; the first bad line throws a `HistoryLineError` with its number.
 */
export async function* readHistory(file: string): AsyncGenerator<HistoryLine> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    yield parseHistoryLine(text, line);
  }
}
