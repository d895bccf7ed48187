import { buildSchema, findBreakingChanges } from 'graphql';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printLockstepSchema } from './schema';

const read = (file: string) => readFileSync(path.join(__dirname, file), 'utf8');

describe('the GraphQL schema', () => {
  it('is committed as emitted (npm run schema:emit)', async () => {
    expect(read('schema.graphql')).toBe(await printLockstepSchema());
  });

  it('keeps every name and shape of the contract: additions only', () => {
    const contract = buildSchema(read('contract.graphql'));
    const ours = buildSchema(read('schema.graphql'));
    expect(findBreakingChanges(contract, ours).map((change) => change.description)).toEqual([]);
  });

  it('serves a faithful part of the contract as published: no name or shape of it changed', () => {
    const published = path.join(__dirname, '..', '..', 'shared', 'api-contract.graphql');
    // The contract lives beside the repository in the workplace; a clone elsewhere has the committed copy.
    // The published contract also names what is not served yet: our copy holds what we serve, unchanged.
    if (existsSync(published)) {
      const ours = buildSchema(read('contract.graphql'));
      const theirs = buildSchema(readFileSync(published, 'utf8'));
      expect(findBreakingChanges(ours, theirs).map((change) => change.description)).toEqual([]);
    }
    expect(read('contract.graphql')).toContain('type Query');
  });
});
