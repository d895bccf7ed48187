import { describe, expect, it } from 'vitest';
import {
  DraftError,
  draftOf,
  fieldPaths,
  moved,
  newAction,
  newStage,
  shownField,
  toInput,
} from './editor-model';

describe('the pipeline editor model', () => {
  it('turns a draft into the PipelineInput whose paths name its fields', () => {
    const stage = { ...newStage('build'), actions: [newAction(1, 'compile'), newAction(1, 'lint')] };
    stage.actions[0]!.config = { command: 'make', workingDirectory: '', env: 'A=1\nB=x=y' };
    stage.actions[1]!.kind = 'WAIT';
    stage.actions[1]!.config = { seconds: '5' };
    const input = toInput({
      name: 'p',
      description: '',
      serviceId: '',
      executionMode: 'QUEUED',
      stages: [stage],
    });
    expect(input.description).toBeNull();
    expect(input.stages[0]!.maxParallel).toBe(4);
    expect(input.stages[0]!.actions.map((a) => [a.name, a.runOrder, a.config])).toEqual([
      ['compile', 1, { command: 'make', env: { A: '1', B: 'x=y' } }],
      ['lint', 1, { seconds: 5 }],
    ]);
  });

  it('refuses a number field that holds no whole number, at the path the API would name', () => {
    const stage = { ...newStage('build'), actions: [newAction(1, 'compile')] };
    stage.actions[0]!.timeoutSeconds = '1.5';
    const draft = {
      name: 'p',
      description: '',
      serviceId: '',
      executionMode: 'QUEUED' as const,
      stages: [stage],
    };
    expect(() => toInput(draft)).toThrow(DraftError);
    expect(() => toInput(draft)).toThrow('input.stages[0].actions[0].timeoutSeconds');
  });

  it('shows an API error at its field, or at the nearest field shown above it', () => {
    const draft = draftOf({
      name: 'p',
      description: null,
      executionMode: 'QUEUED',
      service: null,
      stages: [
        {
          name: 'only',
          maxParallel: 4,
          transitionEnabled: true,
          environment: null,
          actions: [
            {
              name: 'run',
              kind: 'COMMAND',
              runOrder: 1,
              config: { command: 'true', env: { A: 'b' } },
              timeoutSeconds: null,
              retryPolicy: { maximumAttempts: 1, initialIntervalMs: 1000, backoffCoefficient: 2 },
            },
          ],
        },
      ],
    });
    expect(draft.stages[0]!.actions[0]!.config.env).toBe('A=b');
    const shown = fieldPaths(draft);
    expect(shownField('input.stages[0].actions[0].config.command', shown)).toBe(
      'input.stages[0].actions[0].config.command',
    );
    expect(shownField('input.stages[0].actions[0].config.env.A', shown)).toBe(
      'input.stages[0].actions[0].config.env',
    );
    expect(shownField('input.stages[3].name', shown)).toBe('input.stages');
    expect(shownField('stageIds', shown)).toBe('');
  });

  it('moves an item within a list, and leaves it be past either end', () => {
    expect(moved(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moved(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moved(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
  });
});
