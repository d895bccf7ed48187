import { buildSchema, findBreakingChanges } from 'graphql';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printLockstepSchema } from './schema';

const read = (file: string) => readFileSync(path.join(__dirname, file), 'utf8');

/**
 * Parts of the contract that issue 5 (DORA metrics) adds. Each is listed by name so that nothing else
 * can go missing unnoticed; the list only ever shrinks.
 */
const pendingWithDora = new Set([
  'Interval was removed.',
  'DoraLevel was removed.',
  'DeploymentRunEdge was removed.',
  'DeploymentRunConnection was removed.',
  'IncidentAttribution was removed.',
  'Incident was removed.',
  'DoraPoint was removed.',
  'DoraMetric was removed.',
  'DoraMetrics was removed.',
  'ExternalDeploymentInput was removed.',
  'IncidentInput was removed.',
  'DoraFilter was removed.',
  'DeploymentRun.changeFailed was removed.',
  'DeploymentRun.rework was removed.',
  'DeploymentRun.leadTimeSeconds was removed.',
  'DeploymentRun.recoverySeconds was removed.',
  'Query.deploymentRuns was removed.',
  'Query.incidents was removed.',
  'Query.doraMetrics was removed.',
  'Mutation.recordExternalDeployment was removed.',
  'Mutation.openIncident was removed.',
  'Mutation.resolveIncident was removed.',
]);

describe('the GraphQL schema', () => {
  it('is committed as emitted (npm run schema:emit)', async () => {
    expect(read('schema.graphql')).toBe(await printLockstepSchema());
  });

  it('keeps every name and shape of the contract: additions only', () => {
    const contract = buildSchema(read('contract.graphql'));
    const ours = buildSchema(read('schema.graphql'));
    const breaking = findBreakingChanges(contract, ours).map((change) => change.description);
    expect(breaking.filter((description) => !pendingWithDora.has(description))).toEqual([]);
  });

  it('checks against the contract as published', () => {
    const published = path.join(__dirname, '..', '..', 'shared', 'api-contract.graphql');
    // The contract lives beside the repository in the workplace; a clone elsewhere has the committed copy.
    if (existsSync(published)) expect(read('contract.graphql')).toBe(readFileSync(published, 'utf8'));
    expect(read('contract.graphql')).toContain('type Query');
  });
});
