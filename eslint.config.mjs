// @ts-check
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Rooms and who may import whom (docs/architecture.md): each rule below is one of those walls. main/ is the
 * composition root: the process entry points and the local supervisor, the one room that may import every other. */
const sandboxMessage =
  'Workflow code runs in Temporal’s deterministic sandbox: it may import only @temporalio/workflow and /common, the definitions module, the approval gate, other workflow code and types.';
/** Workflow files at the root of workflows/, and the modules of a workflow's own folder (pipeline-run/). */
const workflowSandbox = {
  regex:
    '^(?!@temporalio/(workflow|common)$|\\./(definitions|workflow-kit)$|\\./[\\w-]+\\.workflow$|\\./pipeline-run/[\\w-]+$)',
  allowTypeImports: true,
  message: sandboxMessage,
};
const workflowFolderSandbox = {
  regex: '^(?!@temporalio/(workflow|common)$|\\.\\./(definitions|workflow-kit)$|\\./[\\w-]+$)',
  allowTypeImports: true,
  message: sandboxMessage,
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.data/',
      'web/.next/',
      'web/next-env.d.ts',
      'test-artifacts/',
      'coverage/',
      'cli/dist/',
      'cli/dist.*/',
      'cli/client/generated.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/only-throw-error': ['error', { allow: [{ from: 'lib', name: 'DOMException' }] }],
      'import-x/no-cycle': 'error',
    },
  },
  {
    files: ['db/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/main/**', '**/server/**', '**/workflows/**', '**/web/**'],
              message: 'db/ imports no other room.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['workflows/workflows.ts', 'workflows/workflow-kit.ts', 'workflows/*.workflow.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [workflowSandbox] }] },
  },
  {
    files: ['workflows/pipeline-run/**', 'workflows/definitions/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [workflowFolderSandbox] }] },
  },
  {
    files: [
      'workflows/activities/**',
      'workflows/worker.ts',
      'workflows/webhook-dispatcher.ts',
      'workflows/reconciler/**',
      'workflows/search-attributes.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/main/**', '**/server/**', '**/web/**'],
              message:
                'Activities and the worker may import db/, not main/, server/ or web/ (config is injected by main/).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/workflows/**', '!**/workflows/definitions', '**/main/**', '**/web/**'],
              message:
                'server/ uses the workflow definitions and the Temporal client, never activities, workflow code or the worker; main/ (the composition root) imports server/, not the other way round.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/main/**', '**/server/**', '**/db/**', '**/workflows/**'],
              message: 'web/ talks to the server only through GraphQL.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/main/**', '**/server/**', '**/db/**', '**/workflows/**', '**/web/**'],
              message: 'cli/ talks to the API only over HTTP and WebSocket, like web/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.mts', 'web/next.config.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
);
