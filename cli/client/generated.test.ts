import { generate } from '@graphql-codegen/cli';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import config from '../codegen';

it('the typed client is generated from the current schema and documents (npm run cli:types)', async () => {
  const root = path.join(__dirname, '..', '..');
  const [output] = await generate({ ...config, cwd: root }, false);
  expect(output?.filename).toBe('cli/client/generated.ts');
  expect(output?.content).toBe(readFileSync(path.join(__dirname, 'generated.ts'), 'utf8'));
}, 30_000);
