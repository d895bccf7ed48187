import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOutputs } from './command.activity';
import { checkOutputs, outputLimits, readOutputFile, refusedOutputKey } from './output-policy';

const failure = (run: () => void) => {
  try {
    run();
  } catch (error) {
    return error as Error & { nonRetryable?: boolean; type?: string };
  }
  throw new Error('expected a failure');
};

describe('output keys that would change how later commands run', () => {
  it.each([
    'PATH',
    'LD_PRELOAD',
    'LD_LIBRARY_PATH',
    'DYLD_INSERT_LIBRARIES',
    'BASH_ENV',
    'ENV',
    'SHELL',
    'IFS',
    'PS4',
    'PROMPT_COMMAND',
    'HOME',
    'GIT_SSH_COMMAND',
    'GIT_CONFIG_COUNT',
    'GIT_CONFIG_KEY_0',
    'NODE_OPTIONS',
    'NODE_PATH',
    'PYTHONPATH',
    'PYTHONSTARTUP',
    'PERL5OPT',
    'RUBYOPT',
    'JAVA_TOOL_OPTIONS',
    '_JAVA_OPTIONS',
    'GCONV_PATH',
    'GLIBC_TUNABLES',
    'HTTPS_PROXY',
    'https_proxy',
    'path',
    'SSL_CERT_FILE',
    'NPM_CONFIG_REGISTRY',
    'LOCKSTEP_OUTPUT',
  ])('%s is refused', (key) => {
    expect(refusedOutputKey(key)).not.toBeNull();
    const error = failure(() => checkOutputs({ [key]: '/tmp/evil-value' }));
    expect(error.nonRetryable).toBe(true);
    expect(error.type).toBe('InvalidOutput');
    expect(error.message).toContain(`output ${key} is refused`);
    expect(error.message).not.toContain('evil-value');
  });

  it.each(['VERSION', 'ARTIFACT', 'IMAGE_DIGEST', 'DOCKER_IMAGE', 'COMMIT_SHA', 'TOKEN'])(
    '%s is allowed',
    (key) => {
      expect(refusedOutputKey(key)).toBeNull();
      expect(() => checkOutputs({ [key]: 'x' })).not.toThrow();
    },
  );

  it('names LOCKSTEP_ as reserved', () => {
    expect(refusedOutputKey('LOCKSTEP_RUN_ID')).toMatch(/reserved/);
  });
});

describe('output sizes', () => {
  it('refuses a value over the limit, naming the key and the size, never the value', () => {
    const value = 's'.repeat(outputLimits.valueBytes + 1);
    const error = failure(() => checkOutputs({ BIG: value }));
    expect(error.message).toBe(
      `output BIG is ${outputLimits.valueBytes + 1} bytes, over the limit of ${outputLimits.valueBytes}`,
    );
    expect(error.nonRetryable).toBe(true);
  });

  it('refuses more than the allowed number of outputs', () => {
    const many = Object.fromEntries(Array.from({ length: outputLimits.count + 1 }, (_, i) => [`K${i}`, 'v']));
    expect(failure(() => checkOutputs(many)).message).toBe(
      `${outputLimits.count + 1} outputs, over the limit of ${outputLimits.count}`,
    );
  });

  it('refuses outputs over the total limit even when each value fits', () => {
    const value = 'v'.repeat(60 * 1024);
    const outputs = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`PART${i}`, value]));
    expect(failure(() => checkOutputs(outputs)).message).toMatch(
      /^outputs take \d+ bytes in all, over the limit/,
    );
  });

  it('refuses outputs that would make what the run hands down too large', () => {
    const earlier = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`EARLIER${i}`, 'e'.repeat(60 * 1024)]),
    );
    expect(() => checkOutputs({ A: 'a' }, {})).not.toThrow();
    expect(failure(() => checkOutputs({ A: 'a'.repeat(60 * 1024) }, earlier)).message).toMatch(
      /^with these outputs the run would hand \d+ bytes to its later actions/,
    );
  });

  it('refuses a NUL in a value', () => {
    expect(failure(() => checkOutputs({ A: 'a\0b' })).message).toContain('NUL');
  });

  it('parses then checks a whole outputs file', () => {
    expect(() => checkOutputs(parseOutputs('VERSION=1\nLD_PRELOAD=/tmp/x.so\n'))).toThrow(
      /output LD_PRELOAD is refused/,
    );
  });
});

describe('readOutputFile', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
  const scratch = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lockstep-outputs-'));
    dirs.push(dir);
    return dir;
  };

  it('reads a regular file, and a missing one as empty', async () => {
    const dir = await scratch();
    await writeFile(path.join(dir, 'outputs'), 'A=1\n');
    expect(await readOutputFile(path.join(dir, 'outputs'))).toBe('A=1\n');
    expect(await readOutputFile(path.join(dir, 'missing'))).toBe('');
  });

  it('refuses a symbolic link (to a file the command could not read itself)', async () => {
    const dir = await scratch();
    await writeFile(path.join(dir, 'secret'), 'KEY=value\n');
    await symlink(path.join(dir, 'secret'), path.join(dir, 'outputs'));
    await expect(readOutputFile(path.join(dir, 'outputs'))).rejects.toThrow(/not a symbolic link/);
  });

  it('refuses a pipe instead of waiting on it', async () => {
    const dir = await scratch();
    execFileSync('mkfifo', [path.join(dir, 'outputs')]);
    await expect(readOutputFile(path.join(dir, 'outputs'))).rejects.toThrow(/must be a regular file/);
  });

  it('refuses a file over the limit without reading it all', async () => {
    const dir = await scratch();
    await writeFile(path.join(dir, 'outputs'), 'A='.padEnd(outputLimits.fileBytes + 10, 'a'));
    await expect(readOutputFile(path.join(dir, 'outputs'))).rejects.toThrow(/over the limit/);
  });
});
