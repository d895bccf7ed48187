// Writes web/lib/graphql-types.ts from server/schema.graphql, and web/lib/graphql-operations.ts from that
// schema and the dashboard's documents, web/**/*.graphql (`npm run web:types`). The web app reads the API's
// types from there, never from server/ itself; a unit test fails when either file is out of date.
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
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateOperations, type DocumentFile } from './operation-types';
import { scalars } from './scalars';

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

const webRoot = path.join(__dirname, '..');
export const schemaPath = path.join(webRoot, '..', 'server', 'schema.graphql');
export const typesPath = path.join(webRoot, 'lib', 'graphql-types.ts');
export const operationsPath = path.join(webRoot, 'lib', 'graphql-operations.ts');

/** Every .graphql file of web/ (not the build's or dependencies'), in path order. */
export function documentFiles(dir = webRoot): DocumentFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) return documentFiles(file);
      if (!entry.name.endsWith('.graphql')) return [];
      return [{ path: path.relative(webRoot, file), text: readFileSync(file, 'utf8') }];
    });
}

export function generateAll(): Array<{ path: string; text: string }> {
  const sdl = readFileSync(schemaPath, 'utf8');
  return [
    { path: typesPath, text: generateTypes(sdl) },
    { path: operationsPath, text: generateOperations(buildSchema(sdl), documentFiles()) },
  ];
}

if (process.argv[1] === __filename) {
  for (const file of generateAll()) {
    writeFileSync(file.path, file.text);
    console.log(`wrote ${path.relative(process.cwd(), file.path)}`);
  }
}
