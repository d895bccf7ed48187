import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { Harness } from './fixtures';

/**
 * What of a canary secret must never show anywhere: each line of it as written, its JSON-escaped and
 * URL-encoded forms, any 8 characters that its bytes alone decide in base64 (either alphabet, each of the
 * three alignments inside a longer text) and any 12 characters of its hex. A piece of fewer than 4 characters
 * at a line break may stay (see db/secret-masker.ts), which none of these match.
 */
export function canaryTraces(value: string): string[] {
  const traces = new Set<string>();
  for (const line of value.split('\n')) if (line.trim().length >= 4) traces.add(line.trim());
  const json = JSON.stringify(value).slice(1, -1);
  traces.add(json);
  traces.add(json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  traces.add(encodeURIComponent(value));
  const bytes = Buffer.from(value, 'utf8');
  const windows = (text: string, size: number) => {
    for (let i = 0; i + size <= text.length; i++) traces.add(text.slice(i, i + size));
  };
  for (const before of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(before), bytes]).toString('base64');
    const decided = encoded.slice(Math.ceil((8 * before) / 6), Math.floor((8 * (before + bytes.length)) / 6));
    windows(decided, 8);
    windows(decided.replaceAll('+', '-').replaceAll('/', '_'), 8);
  }
  windows(bytes.toString('hex'), 12);
  windows(bytes.toString('hex').toUpperCase(), 12);
  return [...traces];
}

/** Each trace of a canary found in a sink, as "<sink>: <trace>". */
export function leaksOf(sinks: Record<string, string>, canaries: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [canaryName, value] of Object.entries(canaries)) {
    const traces = canaryTraces(value);
    for (const [sink, text] of Object.entries(sinks)) {
      const trace = traces.find((t) => text.includes(t));
      if (trace) found.push(`${canaryName} in ${sink}: "${trace}"`);
    }
  }
  return found;
}

/** Every row of every table but the sealed secrets, as JSON. */
export async function databaseText(h: Harness): Promise<string> {
  const tables: Array<{ table_name: string }> = await h.dataSource.query(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'secrets'`,
  );
  const parts: string[] = [];
  for (const { table_name: table } of tables) {
    parts.push(`${table}: ${JSON.stringify(await h.dataSource.query(`SELECT * FROM "${table}"`))}`);
  }
  return parts.join('\n');
}

/** A workflow's history as Temporal keeps it, with its payloads decoded too. */
export async function historyText(h: Harness, workflowId: string): Promise<string> {
  const json = historyToJSON(await h.temporal.workflow.getHandle(workflowId).fetchHistory());
  const decoded: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'data' && typeof value === 'string')
          decoded.push(Buffer.from(value, 'base64').toString());
        else walk(value);
      }
    }
  };
  walk(JSON.parse(json));
  return [json, ...decoded].join('\n');
}
