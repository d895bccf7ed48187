import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { parsePipelineInput } from './pipeline-definition';
import type { PipelineInput } from './pipeline.types';

const action = (extra: Record<string, unknown> = {}) => ({
  name: 'a',
  kind: 'COMMAND' as const,
  config: { command: 'true' },
  ...extra,
});
const input = (stages: unknown[], extra: Record<string, unknown> = {}) =>
  ({ name: 'p', stages, ...extra }) as unknown as PipelineInput;

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).extensions.field as string;
  }
  return undefined;
}

describe('parsePipelineInput', () => {
  it('applies the documented defaults', () => {
    const parsed = parsePipelineInput(input([{ name: ' build ', actions: [action()] }]));
    expect(parsed).toEqual({
      name: 'p',
      description: null,
      serviceId: null,
      executionMode: 'QUEUED',
      allowOlderThanLive: false,
      stages: [
        {
          name: 'build',
          environmentId: null,
          maxParallel: 4,
          transitionEnabled: true,
          actions: [
            {
              name: 'a',
              kind: 'COMMAND',
              runOrder: 1,
              config: { command: 'true' },
              timeoutSeconds: null,
              retryPolicy: { maximumAttempts: 1, initialIntervalMs: 1000, backoffCoefficient: 2 },
            },
          ],
        },
      ],
    });
  });

  it('keeps a COMMAND config’s env and working directory', () => {
    const parsed = parsePipelineInput(
      input([
        {
          name: 's',
          actions: [
            action({ config: { command: 'make', env: { GOFLAGS: '-x' }, workingDirectory: '/src' } }),
          ],
        },
      ]),
    );
    expect(parsed.stages[0]!.actions[0]!.config).toEqual({
      command: 'make',
      env: { GOFLAGS: '-x' },
      workingDirectory: '/src',
    });
  });

  it.each([
    ['a stage without actions', input([{ name: 's', actions: [] }]), 'input.stages[0].actions'],
    [
      'duplicate stage names',
      input([
        { name: 's', actions: [action()] },
        { name: 's', actions: [action()] },
      ]),
      'input.stages',
    ],
    [
      'a blank command',
      input([{ name: 's', actions: [action({ config: { command: ' ' } })] }]),
      'input.stages[0].actions[0].config.command',
    ],
    [
      'an env name with a dash',
      input([{ name: 's', actions: [action({ config: { command: 'x', env: { 'A-B': '1' } } })] }]),
      'input.stages[0].actions[0].config.env',
    ],
    [
      'overriding LOCKSTEP_ variables',
      input([{ name: 's', actions: [action({ config: { command: 'x', env: { LOCKSTEP_RUN_ID: '1' } } })] }]),
      'input.stages[0].actions[0].config.env',
    ],
    [
      'a relative working directory',
      input([{ name: 's', actions: [action({ config: { command: 'x', workingDirectory: 'src' } })] }]),
      'input.stages[0].actions[0].config.workingDirectory',
    ],
    [
      'a config that is not an object',
      input([{ name: 's', actions: [action({ config: 'echo' })] }]),
      'input.stages[0].actions[0].config',
    ],
    [
      'zero attempts',
      input([{ name: 's', actions: [action({ retryPolicy: { maximumAttempts: 0 } })] }]),
      'input.stages[0].actions[0].retryPolicy.maximumAttempts',
    ],
    [
      'a backoff below 1',
      input([{ name: 's', actions: [action({ retryPolicy: { backoffCoefficient: 0.5 } })] }]),
      'input.stages[0].actions[0].retryPolicy.backoffCoefficient',
    ],
    [
      'a negative timeout',
      input([{ name: 's', actions: [action({ timeoutSeconds: -1 })] }]),
      'input.stages[0].actions[0].timeoutSeconds',
    ],
    [
      'an id that is not a UUID',
      input([{ name: 's', environmentId: 'prod', actions: [action()] }]),
      'input.stages[0].environmentId',
    ],
    [
      'a DEPLOYMENT that names no deployment',
      input([{ name: 's', actions: [action({ kind: 'DEPLOYMENT', config: { deploymentId: 'x' } })] }]),
      'input.stages[0].actions[0].config.deploymentId',
    ],
    [
      'an approval needing no one',
      input([{ name: 's', actions: [action({ kind: 'APPROVAL', config: { requiredApprovals: 0 } })] }]),
      'input.stages[0].actions[0].config.requiredApprovals',
    ],
    [
      'a WAIT without seconds',
      input([{ name: 's', actions: [action({ kind: 'WAIT', config: {} })] }]),
      'input.stages[0].actions[0].config.seconds',
    ],
    [
      'an HTTP action with a relative URL',
      input([{ name: 's', actions: [action({ kind: 'HTTP', config: { url: '/health' } })] }]),
      'input.stages[0].actions[0].config.url',
    ],
    [
      'an HTTP action with a made-up method',
      input([
        { name: 's', actions: [action({ kind: 'HTTP', config: { url: 'http://x', method: 'FETCH' } })] },
      ]),
      'input.stages[0].actions[0].config.method',
    ],
    [
      'an HTTP status out of range',
      input([
        { name: 's', actions: [action({ kind: 'HTTP', config: { url: 'http://x', expectStatus: 99 } })] },
      ]),
      'input.stages[0].actions[0].config.expectStatus',
    ],
    [
      'an HTTP header with a malformed secret reference',
      input([
        {
          name: 's',
          actions: [
            action({
              kind: 'HTTP',
              config: { url: 'http://x', headers: { authorization: 'Bearer ${{ secret.TOKEN }}' } },
            }),
          ],
        },
      ]),
      'input.stages[0].actions[0].config.headers.authorization',
    ],
    [
      'a secret reference in an HTTP body, where it would not be resolved',
      input([
        {
          name: 's',
          actions: [action({ kind: 'HTTP', config: { url: 'http://x', body: '{"t":"${{ secrets.T }}"}' } })],
        },
      ]),
      'input.stages[0].actions[0].config.body',
    ],
  ])('refuses %s', (_name, bad, field) => {
    expect(fieldOf(() => parsePipelineInput(bad))).toBe(field);
  });
});
