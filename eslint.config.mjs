// @ts-check
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Rooms and who may import whom (STYLE.md): each rule below is one of those walls. */
const workflowSandbox = {
  regex: '^(?!@temporalio/(workflow|common)$|\\./definitions$|\\./workflow-kit$|\\./[\\w-]+\\.workflow$)',
  allowTypeImports: true,
  message:
    'Workflow code runs in Temporal’s deterministic sandbox: it may import only @temporalio/workflow and /common, the definitions module, the approval gate, other workflows and types.',
};

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', 'web/.next/', 'web/next-env.d.ts', 'test-artifacts/', 'coverage/'] },
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
              group: ['**/server/**', '**/workflows/**', '**/web/**'],
              message: 'db/ imports no other room.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'workflows/definitions.ts',
      'workflows/workflows.ts',
      'workflows/workflow-kit.ts',
      'workflows/**/*.workflow.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [workflowSandbox] }] },
  },
  {
    files: ['workflows/activities/**', 'workflows/worker.ts', 'workflows/dev-server.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '**/web/**'],
              message: 'Activities and the worker may import db/, not server/ or web/.',
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
              group: [
                '**/workflows/activities',
                '**/workflows/activities/**',
                '**/workflows/*.workflow',
                '**/workflows/worker',
                '**/workflows/workflows',
                '**/web/**',
              ],
              message:
                'server/ uses the workflow definitions and the Temporal client, never activities or workflow code.',
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
              group: ['**/server/**', '**/db/**', '**/workflows/**'],
              message: 'web/ talks to the server only through GraphQL.',
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
