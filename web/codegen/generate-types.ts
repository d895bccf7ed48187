// Writes web/lib/graphql-types.ts from server/schema.graphql (`npm run web:types`). The web app reads the
// API's types from there, never from server/ itself; a unit test fails when the file is out of date.
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLType,
} from 'graphql';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const scalars: Record<string, string> = {
  ID: 'string',
  String: 'string',
  Boolean: 'boolean',
  Int: 'number',
  Float: 'number',
  DateTime: 'string',
  JSON: 'unknown',
};

function typeOf(type: GraphQLType): string {
  if (isNonNullType(type)) return typeOf(type.ofType).replace(/ \| null$/, '');
  if (isListType(type)) return `Array<${typeOf(type.ofType)}> | null`;
  if (isScalarType(type)) return `${scalars[type.name] ?? 'unknown'} | null`;
  return `${type.name} | null`;
}

const comment = (description: string | null | undefined, indent = '') =>
  description ? `${indent}/** ${description.replace(/\*\//g, '* /').replace(/\n/g, ' ')} */\n` : '';

/** The TypeScript declarations of every type of the schema, in name order. */
export function generateTypes(sdl: string): string {
  const schema = buildSchema(sdl);
  const out = [
    '// Generated from server/schema.graphql by `npm run web:types`; do not edit.',
    '/* eslint-disable */',
    '',
  ];
  const types = Object.values(schema.getTypeMap())
    .filter((type) => !type.name.startsWith('__'))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const type of types) {
    if (isScalarType(type)) {
      if (!(type.name in scalars))
        out.push(`${comment(type.description)}export type ${type.name} = unknown;`, '');
    } else if (isEnumType(type)) {
      const values = type.getValues().map((value) => `'${value.name}'`);
      out.push(`${comment(type.description)}export type ${type.name} = ${values.join(' | ')};`, '');
    } else if (isUnionType(type)) {
      out.push(
        `export type ${type.name} = ${type
          .getTypes()
          .map((t) => t.name)
          .join(' | ')};`,
        '',
      );
    } else if (isObjectType(type) || isInterfaceType(type)) {
      if (['Query', 'Mutation', 'Subscription'].includes(type.name)) continue;
      out.push(`${comment(type.description)}export interface ${type.name} {`);
      for (const field of Object.values(type.getFields()))
        out.push(`${comment(field.description, '  ')}  ${field.name}: ${typeOf(field.type)};`);
      out.push('}', '');
    } else if (isInputObjectType(type)) {
      out.push(`${comment(type.description)}export interface ${type.name} {`);
      for (const field of Object.values(type.getFields())) {
        const optional = isNonNullType(field.type) ? '' : '?';
        out.push(`${comment(field.description, '  ')}  ${field.name}${optional}: ${typeOf(field.type)};`);
      }
      out.push('}', '');
    }
  }
  return out.join('\n');
}

export const schemaPath = path.join(__dirname, '..', '..', 'server', 'schema.graphql');
export const typesPath = path.join(__dirname, '..', 'lib', 'graphql-types.ts');

if (process.argv[1] === __filename) {
  writeFileSync(typesPath, generateTypes(readFileSync(schemaPath, 'utf8')));
  console.log(`wrote ${path.relative(process.cwd(), typesPath)}`);
}
