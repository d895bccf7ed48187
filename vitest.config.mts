import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships CommonJS (main) and ESM (module) builds; type-graphql and Apollo load the CommonJS one
    // through Node, so our code must too, or `instanceof GraphQLScalarType` sees two different classes.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    pool: 'forks',
    // Two cores: integration files each run a worker and an API; two at a time keeps them honest.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'test/unit/**/*.test.ts',
            'main/**/*.test.ts',
            'server/**/*.test.ts',
            'workflows/**/*.test.ts',
            'db/**/*.test.ts',
            'web/**/*.test.ts',
            'cli/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/replay/**/*.test.ts'],
          // Real PostgreSQL and a real Temporal server, started once for the run (or taken from the env).
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
