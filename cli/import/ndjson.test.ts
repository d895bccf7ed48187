import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryLineError, parseHistoryLine, readHistory } from './ndjson';
import { batches, batchLimits } from './send';

const good = {
  serviceId: 'svc',
  environmentId: 'env',
  status: 'SUCCEEDED',
  startedAt: '2024-03-01T10:00:00Z',
  finishedAt: '2024-03-01T10:05:00Z',
  revision: { sha: 'abcdef1', committedAt: '2024-03-01T08:00:00Z' },
  commits: [{ sha: 'abcdef1', committedAt: '2024-03-01T08:00:00Z', message: 'fix', author: 'ana' }],
  isRollback: false,
};

const fault = (value: unknown) => {
  try {
    parseHistoryLine(typeof value === 'string' ? value : JSON.stringify(value), 7);
  } catch (error) {
    expect(error).toBeInstanceOf(HistoryLineError);
    expect((error as HistoryLineError).line).toBe(7);
    return (error as Error).message;
  }
  throw new Error('the line was accepted');
};

describe('parseHistoryLine', () => {
  it('takes a deployment as the API takes it, with its size', () => {
    const text = JSON.stringify(good);
    expect(parseHistoryLine(text, 3)).toEqual({ line: 3, input: good, bytes: text.length });
    const running = { ...good, status: 'RUNNING', finishedAt: null, commits: undefined, revision: undefined };
    expect(parseHistoryLine(JSON.stringify(running), 4).input.status).toBe('RUNNING');
  });

  it('names the field at fault the way the API does', () => {
    expect(fault('{"serviceId": ')).toMatch(/^not JSON/);
    expect(fault([good])).toBe('must be a JSON object (one deployment per line)');
    expect(fault({ ...good, service: 'x' })).toBe('service: is not a field of a deployment');
    expect(fault({ ...good, serviceId: 42 })).toBe('serviceId: must be an id');
    expect(fault({ ...good, status: 'DONE' })).toMatch(/^status: must be one of RUNNING, WAITING/);
    expect(fault({ ...good, startedAt: 'yesterday' })).toBe('startedAt: must be a date-time');
    expect(fault({ ...good, finishedAt: null })).toBe('finishedAt: is required for a SUCCEEDED deployment');
    expect(fault({ ...good, status: 'RUNNING' })).toBe('finishedAt: must be empty while RUNNING');
    expect(fault({ ...good, finishedAt: '2024-03-01T09:00:00Z' })).toBe(
      'finishedAt: must not be before startedAt',
    );
    expect(fault({ ...good, isRollback: 'yes' })).toBe('isRollback: must be true or false');
    expect(fault({ ...good, commits: [good.commits[0], { sha: 'xyz', committedAt: good.startedAt }] })).toBe(
      'commits[1].sha: must be a commit SHA (7 to 64 hexadecimal characters)',
    );
    expect(fault({ ...good, revision: { sha: 'abcdef1' } })).toBe(
      'revision.committedAt: must be a date-time',
    );
    expect(fault({ ...good, commits: {} })).toBe('commits: must be a list');
    expect(fault({ ...good, artifacts: [{ name: 'api' }] })).toBe(
      'artifacts[0]: must be an object with name and version',
    );
  });
});

describe('readHistory', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-ndjson-'));
  const file = (name: string, text: string) => {
    const at = path.join(dir, name);
    writeFileSync(at, text);
    return at;
  };

  it('streams the lines with their numbers, skipping blank ones (CRLF too)', async () => {
    const at = file(
      'good.ndjson',
      `${JSON.stringify(good)}\r\n\n  \n${JSON.stringify({ ...good, startedAt: '2024-03-01T10:01:00Z' })}\n`,
    );
    const lines = [];
    for await (const line of readHistory(at)) lines.push(line.line);
    expect(lines).toEqual([1, 4]);
  });

  it('stops at the first bad line with its number', async () => {
    const at = file('bad.ndjson', `${JSON.stringify(good)}\n${JSON.stringify(good)}\n{"status":\n`);
    const read = async () => {
      for await (const _line of readHistory(at)) void _line;
    };
    await expect(read()).rejects.toMatchObject({ line: 3 });
  });

  it('cuts the lines into calls of at most 1,000 deployments and under the request size', async () => {
    async function* lines(n: number, bytes: number) {
      for (let i = 1; i <= n; i++) yield { line: i, input: good as never, bytes };
    }
    const sizes = async (n: number, bytes: number) => {
      const out = [];
      for await (const batch of batches(lines(n, bytes))) out.push(batch.length);
      return out;
    };
    expect(await sizes(2500, 100)).toEqual([1000, 1000, 500]);
    const perCall = Math.floor(batchLimits.bytes / 10_001);
    expect((await sizes(200, 10_000))[0]).toBe(perCall);
    expect(await sizes(0, 100)).toEqual([]);
  });
});
