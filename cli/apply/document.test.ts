import { buildSchema, isEnumType } from 'graphql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import schema from '../lockstep.schema.json';
import { FileMistakes, loadFile } from './document';

const root = path.join(__dirname, '..', '..');
const example = readFileSync(path.join(root, 'examples', 'lockstep.yaml'), 'utf8');

function mistakesOf(text: string): string[] {
  try {
    loadFile('f.yaml', text);
  } catch (error) {
    if (error instanceof FileMistakes) return error.message.split('\n');
    throw error;
  }
  return [];
}

describe('pipelines-as-code files (cli/lockstep.schema.json)', () => {
  it('accepts the example of examples/', () => {
    const file = loadFile('examples/lockstep.yaml', example);
    expect(file.data.pipelines?.[0]?.stages.map((s) => s.name)).toEqual(['build', 'staging', 'production']);
  });

  it('names each mistake with its line, all at once', () => {
    const text = [
      'services:', //                   1
      '  - name: checkout', //          2
      '    owner: payments', //         3 unknown key
      'environments:', //               4
      '  - name: prod', //              5 tier missing
      'pipelines:', //                  6
      '  - name: checkout', //          7
      '    stages:', //                 8
      '      - name: build', //         9
      '        actions:', //            10
      '          - name: compile', //   11
      '            kind: SHELL', //     12 not a kind
      '            config: {}', //      13
      '          - name: hold', //      14
      '            kind: WAIT', //      15
      '            config: {}', //      16 seconds missing
    ].join('\n');
    expect(mistakesOf(text)).toEqual([
      'f.yaml:3: services[0]: unknown key "owner"',
      'f.yaml:5: environments[0]: "tier" is required',
      'f.yaml:12: pipelines[0].stages[0].actions[0].kind: must be one of COMMAND, HTTP, APPROVAL, DEPLOYMENT, WAIT',
      'f.yaml:16: pipelines[0].stages[0].actions[1].config: "seconds" is required',
    ]);
  });

  it('reports YAML syntax and duplicate keys with their line', () => {
    expect(mistakesOf('services:\n  - name: a\n    name: b\n')[0]).toMatch(/^f\.yaml:3: .*unique/i);
    expect(mistakesOf('pipelines: [\n')[0]).toMatch(/^f\.yaml:\d+: /);
  });

  it("uses the API's own vocabularies (tiers, action kinds, execution modes)", () => {
    const api = buildSchema(readFileSync(path.join(root, 'server', 'schema.graphql'), 'utf8'));
    const values = (name: string) => {
      const type = api.getType(name);
      return isEnumType(type)
        ? type
            .getValues()
            .map((v) => v.name)
            .sort()
        : [];
    };
    const defs = schema.definitions;
    expect([...defs.environment.properties.tier.enum].sort()).toEqual(values('EnvironmentTier'));
    expect([...defs.action.properties.kind.enum].sort()).toEqual(values('ActionKind'));
    expect([...defs.pipeline.properties.executionMode.enum].sort()).toEqual(values('ExecutionMode'));
  });
});
