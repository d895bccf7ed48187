// The dashboard's own documents (web/**/*.graphql), checked against the schema and typed from it: for each
// operation its result, its variables and its text as a `TypedDocument`, so `gql` (lib/api.ts) and the live
// view's graphql-ws client know what they get, field by field, as the page selected it. GraphQL Code
// Generator's typed-document-node idea, in the few lines this app needs (no unions, no inline fragments).
import {
  concatAST,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  Kind,
  parse,
  print,
  separateOperations,
  Source,
  stripIgnoredCharacters,
  typeFromAST,
  validate,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
  type SelectionSetNode,
} from 'graphql';
import { scalars } from './scalars';

export interface DocumentFile {
  /** Relative to web/, for error messages and the generated file's comments. */
  path: string;
  text: string;
}

const suffixes = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;

/** The TypeScript of a GraphQL type reference: nullable unless non-null, the named type from `leaf`. */
function typeOf(type: GraphQLType, leaf: (named: GraphQLNamedType) => string): string {
  if (isNonNullType(type)) return typeOf(type.ofType, leaf).replace(/ \| null$/, '');
  if (isListType(type)) return `Array<${typeOf(type.ofType, leaf)}> | null`;
  return `${leaf(type)} | null`;
}

/** Scalars as JSON carries them; enums and input objects by their name in graphql-types.ts. */
const named = (type: GraphQLNamedType) =>
  isScalarType(type) && type.name in scalars ? scalars[type.name]! : `Schema.${type.name}`;

/** The object a selection set answers: its fields in the order selected, and its fragments' fields. */
function selectionType(
  parent: GraphQLObjectType | GraphQLInterfaceType,
  set: SelectionSetNode,
  indent: string,
): string {
  const fields = new Map<string, string>();
  const spreads: string[] = [];
  for (const selection of set.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      spreads.push(`${selection.name.value}Fragment`);
      continue;
    }
    if (selection.kind === Kind.INLINE_FRAGMENT)
      throw new Error(`${parent.name}: inline fragments are not supported by web/codegen; use a named one`);
    const name = selection.alias?.value ?? selection.name.value;
    if (fields.has(name)) throw new Error(`${parent.name}.${name} is selected twice; select it once`);
    const field = parent.getFields()[selection.name.value];
    fields.set(
      name,
      field
        ? typeOf(field.type, (type) => {
            if (isObjectType(type) || isInterfaceType(type))
              return selectionType(type, selection.selectionSet!, `${indent}  `);
            if (isUnionType(type))
              throw new Error(`${parent.name}.${name}: unions are not supported by web/codegen`);
            return named(type);
          })
        : `'${parent.name}'`, // __typename, the only field validation lets through undeclared
    );
  }
  const own = [...fields].map(([name, type]) => `${indent}  ${name}: ${type};`);
  return [own.length ? `{\n${own.join('\n')}\n${indent}}` : '', ...spreads].filter(Boolean).join(' & ');
}

/** A template literal holding `text` as it is. */
const literal = (text: string) => `\`${text.replace(/[`\\]|\$\{/g, (c) => `\\${c}`)}\``;

/** Types and documents for every fragment and operation of `files`, which must all be valid and named. */
export function generateOperations(schema: GraphQLSchema, files: DocumentFile[]): string {
  const document = concatAST(files.map((file) => parse(new Source(file.text, file.path))));
  const errors = validate(schema, document);
  if (errors.length > 0) throw new Error(errors.map((error) => error.toString()).join('\n'));
  const texts = separateOperations(document);
  const out = [
    '// Generated from web/**/*.graphql and server/schema.graphql by `npm run web:types`; do not edit.',
    '/* eslint-disable */',
    "import type * as Schema from './graphql-types';",
    '',
    '/** A document as the API takes it (text), typed with what it answers and the variables it takes. */',
    'export type TypedDocument<Result, Variables> = string & {',
    '  readonly __result?: Result;',
    '  readonly __variables?: Variables;',
    '};',
    '',
  ];
  for (const definition of document.definitions) {
    const from = definition.loc?.source.name;
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      const on = schema.getType(definition.typeCondition.name.value) as GraphQLObjectType;
      const name = `${definition.name.value}Fragment`;
      out.push(
        `/** ${from} */`,
        `export type ${name} = ${selectionType(on, definition.selectionSet, '')};`,
        '',
      );
    } else if (definition.kind === Kind.OPERATION_DEFINITION) {
      if (!definition.name) throw new Error(`${from}: name every operation (query Name { … })`);
      const name = `${definition.name.value}${suffixes[definition.operation]}`;
      const root = schema.getRootType(definition.operation)!;
      const variables = (definition.variableDefinitions ?? []).map((v) => {
        const optional = v.type.kind !== Kind.NON_NULL_TYPE || v.defaultValue ? '?' : '';
        return `  ${v.variable.name.value}${optional}: ${typeOf(typeFromAST(schema, v.type)!, named)};`;
      });
      out.push(
        `/** ${from} */`,
        `export type ${name} = ${selectionType(root, definition.selectionSet, '')};`,
        `export type ${name}Variables = ${variables.length ? `{\n${variables.join('\n')}\n}` : 'Record<string, never>'};`,
        `export const ${definition.name.value}Document = ${literal(stripIgnoredCharacters(print(texts[definition.name.value]!)))} as TypedDocument<${name}, ${name}Variables>;`,
        '',
      );
    }
  }
  return out.join('\n');
}
