import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateTypes, schemaPath, typesPath } from './generate-types';

describe('web/lib/graphql-types.ts', () => {
  it('is generated from the current server/schema.graphql (run npm run web:types)', () => {
    expect(readFileSync(typesPath, 'utf8')).toBe(generateTypes(readFileSync(schemaPath, 'utf8')));
  });

  it('maps nullability, lists, enums and inputs the way the API answers', () => {
    const ts = generateTypes(`
      scalar DateTime
      enum Color { RED GREEN }
      type Thing { id: ID! tags: [String!]! when: DateTime color: Color }
      input ThingInput { name: String! note: String }
      type Query { thing: Thing }`);
    expect(ts).toContain(`export type Color = 'RED' | 'GREEN';`);
    expect(ts).toContain(
      '  id: string;\n  tags: Array<string>;\n  when: string | null;\n  color: Color | null;',
    );
    expect(ts).toContain('  name: string;\n  note?: string | null;');
    expect(ts).not.toContain('interface Query');
  });
});
