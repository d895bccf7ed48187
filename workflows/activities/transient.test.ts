import { describe, expect, it } from 'vitest';
import { describeFailure } from './command.activity';
import { isTransientDatabaseError, retryTransient } from './transient';

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('isTransientDatabaseError', () => {
  it.each([
    ['connection refused', pgError('ECONNREFUSED')],
    ['admin shutdown', pgError('57P01')],
    ['cannot connect now', pgError('57P03')],
    ['connection failure', pgError('08006')],
    ['terminated connection', new Error('Connection terminated unexpectedly')],
  ])('retries %s', (_name, error) => {
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('23505')],
    ['a syntax error', pgError('42601')],
    ['a plain error', new Error('bad input')],
    ['not an error', 'ECONNREFUSED'],
  ])('does not retry %s', (_name, error) => {
    expect(isTransientDatabaseError(error)).toBe(false);
  });
});

describe('retryTransient', () => {
  it('retries transient failures until the work succeeds', async () => {
    let calls = 0;
    const result = await retryTransient(async () => {
      calls++;
      if (calls < 3) throw pgError('57P03');
      return 'stored';
    });
    expect(result).toBe('stored');
    expect(calls).toBe(3);
  });

  it('gives up at once on a permanent error', async () => {
    let calls = 0;
    const failing = retryTransient(async () => {
      calls++;
      throw pgError('23505', 'duplicate');
    });
    await expect(failing).rejects.toThrow('duplicate');
    expect(calls).toBe(1);
  });
});

describe('describeFailure', () => {
  it('says how a command attempt failed, with the tail of its stderr', () => {
    expect(describeFailure({ kind: 'exited', code: 3, stderrTail: 'no quota' }, 60)).toBe(
      'exit code 3: no quota',
    );
    expect(describeFailure({ kind: 'timedOut', stderrTail: '' }, 60)).toBe('timed out after 60 s');
    expect(describeFailure({ kind: 'signalled', signal: 'SIGKILL', stderrTail: '' }, 60)).toBe(
      'killed by SIGKILL',
    );
  });
});
