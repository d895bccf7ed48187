// GraphQL Code Generator's configuration for the CLI's typed client (`npm run cli:types`, also run by
// `npm run schema:emit`): server/schema.graphql and the CLI's documents, cli/client/operations/*.graphql,
// become cli/client/generated.ts. Documents are plain strings (documentMode "string"), so the client
// sends them without loading graphql-js, which keeps the CLI's start fast.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  // A name of the published contract the CLI used before the server served it was declared in a schema
  // file listed here beside the served one; none is pending now (promote and live are served).
  schema: ['server/schema.graphql'],
  documents: 'cli/client/operations/*.graphql',
  silent: true,
  generates: {
    'cli/client/generated.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        documentMode: 'string',
        onlyOperationTypes: true,
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        scalars: { DateTime: 'string', JSON: 'unknown', ID: 'string' },
      },
    },
  },
};

export default config;
