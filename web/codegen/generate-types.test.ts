import { buildSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateAll, generateTypes } from './generate-types';
import { generateOperations } from './operation-types';

describe('web/lib/graphql-types.ts and graphql-operations.ts', () => {
  it('are generated from the current server/schema.graphql and web/**/*.graphql (run npm run web:types)', () => {
    for (const file of generateAll()) expect(readFileSync(file.path, 'utf8'), file.path).toBe(file.text);
  });

  const sdl = `
    scalar DateTime
    enum Color { RED GREEN }
    type Thing { id: ID! tags: [String!]! when: DateTime color: Color parts: [Thing!] }
    input ThingInput { name: String! note: String }
    type Query { thing(id: ID!, color: Color): Thing things(input: ThingInput): [Thing]! }`;

  it('maps nullability, lists, enums and inputs the way the API answers', () => {
    const ts = generateTypes(sdl);
    expect(ts).toContain(`export type Color = 'RED' | 'GREEN';`);
    expect(ts).toContain(
      '  id: string;\n  tags: Array<string>;\n  when: string | null;\n  color: Color | null;',
    );
    expect(ts).toContain('  name: string;\n  note?: string | null;');
    expect(ts).not.toContain('interface Query');
  });

  it("types a document's result as selected (aliases, fragments) and its variables", () => {
    const ts = generateOperations(buildSchema(sdl), [
      {
        path: 'thing.graphql',
        text: `fragment Part on Thing { id color }
          query One($id: ID!, $color: Color) { thing(id: $id, color: $color) { id kind: color parts { ...Part } } }
          query Many { things { when } }`,
      },
    ]);
    expect(ts).toContain('export type PartFragment = {\n  id: string;\n  color: Schema.Color | null;\n};');
    expect(ts).toContain(
      'export type OneQuery = {\n  thing: {\n    id: string;\n    kind: Schema.Color | null;\n    parts: Array<PartFragment> | null;\n  } | null;\n};',
    );
    expect(ts).toContain(
      'export type OneQueryVariables = {\n  id: string;\n  color?: Schema.Color | null;\n};',
    );
    expect(ts).toContain(
      'export const OneDocument = `fragment Part on Thing{id color}query One($id:ID!$color:Color){thing(id:$id color:$color){id kind:color parts{...Part}}}` as TypedDocument<OneQuery, OneQueryVariables>;',
    );
    expect(ts).toContain(
      'export type ManyQuery = {\n  things: Array<{\n    when: string | null;\n  } | null>;\n};',
    );
    expect(ts).toContain('export type ManyQueryVariables = Record<string, never>;');
  });

  it('refuses a document the schema does not answer, naming the file', () => {
    expect(() =>
      generateOperations(buildSchema(sdl), [
        { path: 'bad.graphql', text: 'query Bad { thing(id: "1") { name } }' },
      ]),
    ).toThrow(/Cannot query field "name" on type "Thing"[\s\S]*bad\.graphql:1/);
  });
});
