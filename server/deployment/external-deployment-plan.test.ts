import { describe, expect, it } from 'vitest';
import type { ExternalDeploymentFact } from './external-deployment-input';
import { planReports } from './external-deployment-plan';

const commit = (sha: string) => ({
  sha,
  committedAt: '2024-03-01T08:00:00.000Z',
  message: null,
  author: null,
});
const report = (over: Partial<ExternalDeploymentFact> = {}): ExternalDeploymentFact => ({
  key: 'k1',
  serviceId: 'svc',
  environmentId: 'env',
  status: 'SUCCEEDED',
  startedAt: '2024-03-01T10:00:00.000Z',
  finishedAt: '2024-03-01T10:05:00.000Z',
  isRollback: false,
  revision: commit('aaaaaaa'),
  commits: [],
  artifacts: [],
  ...over,
});
let ids = 0;
const newId = () => `run-${++ids}`;

describe('planReports', () => {
  it('stores a first report with its revision as its change set, once however often it is in the batch', () => {
    ids = 0;
    const plan = planReports([report(), report()], new Map(), newId);
    expect(plan.inserts).toHaveLength(1);
    expect(plan.inserts[0]).toMatchObject({ id: 'run-1', externalKey: 'k1', status: 'SUCCEEDED' });
    expect(plan.addCommits.map((c) => c.sha)).toEqual(['aaaaaaa']);
    expect(plan.outcomes).toEqual([
      { id: 'run-1', outcome: 'recorded' },
      { id: 'run-1', outcome: 'unchanged' },
    ]);
  });

  it('moves a deployment forward within a batch, never back from a finished status', () => {
    ids = 0;
    const running = report({ status: 'RUNNING', finishedAt: null });
    const plan = planReports([running, report(), running], new Map(), newId);
    expect(plan.inserts).toEqual([
      expect.objectContaining({ status: 'SUCCEEDED', finishedAt: report().finishedAt }),
    ]);
    expect(plan.outcomes.map((o) => o.outcome)).toEqual(['recorded', 'recorded', 'ignored']);
  });

  it('updates a known running deployment, leaves a known finished one, listed commits replace the revision', () => {
    const known = new Map([
      ['k1', { id: 'old-1', status: 'RUNNING' as const, finishedAt: null }],
      ['k2', { id: 'old-2', status: 'SUCCEEDED' as const, finishedAt: new Date(report().finishedAt!) }],
    ]);
    const plan = planReports(
      [
        report({ commits: [commit('bbbbbbb')] }),
        report({ key: 'k2' }),
        report({ key: 'k2', status: 'FAILED' }),
      ],
      known,
      newId,
    );
    expect(plan.inserts).toEqual([]);
    expect(plan.updates).toEqual([
      { externalKey: 'k1', status: 'SUCCEEDED', finishedAt: report().finishedAt, isRollback: false },
    ]);
    expect(plan.addCommits).toEqual([{ deploymentRunId: 'old-1', ...commit('bbbbbbb') }]);
    expect(plan.removeCommits).toEqual([{ deploymentRunId: 'old-1', sha: 'aaaaaaa' }]);
    expect(plan.outcomes.map((o) => o.outcome)).toEqual(['recorded', 'unchanged', 'ignored']);
  });
});
