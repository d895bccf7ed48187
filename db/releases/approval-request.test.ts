import { describe, expect, it } from 'vitest';
import { approvalSummary, artifactChanges, type ApprovalRequestFacts } from './approval-request';

const artifact = (name: string, version: string, digest: string | null = null) => ({
  id: `${name}-${version}`,
  name,
  version,
  digest,
  uri: null,
});
const commit = (sha: string) => ({ sha, committedAt: new Date(0), message: null, author: null });

describe('artifactChanges', () => {
  it('lists what differs by version or digest, added and removed ones too, by name', () => {
    expect(
      artifactChanges(
        [artifact('web', '1.0', 'sha256:a'), artifact('api', '2.0', 'sha256:b'), artifact('old', '1')],
        [artifact('web', '1.1', 'sha256:c'), artifact('api', '2.0', 'sha256:b'), artifact('new', '3')],
      ),
    ).toEqual([
      { name: 'new', liveVersion: null, candidateVersion: '3', liveDigest: null, candidateDigest: null },
      { name: 'old', liveVersion: '1', candidateVersion: null, liveDigest: null, candidateDigest: null },
      {
        name: 'web',
        liveVersion: '1.0',
        candidateVersion: '1.1',
        liveDigest: 'sha256:a',
        candidateDigest: 'sha256:c',
      },
    ]);
  });
});

describe('approvalSummary', () => {
  const request = (overrides: Partial<ApprovalRequestFacts>): ApprovalRequestFacts => ({
    serviceId: null,
    environmentId: null,
    live: null,
    candidate: commit('c'),
    newCommits: [],
    artifactChanges: [],
    olderThanLive: false,
    expiresAt: null,
    expired: false,
    ...overrides,
  });

  it('says it in one line: new commits, then each artifact change', () => {
    expect(
      approvalSummary(
        request({
          newCommits: [commit('a'), commit('b'), commit('c')],
          artifactChanges: artifactChanges(
            [artifact('checkout-image', '1.4.1')],
            [artifact('checkout-image', '1.4.2')],
          ),
        }),
      ),
    ).toBe('3 new commits; checkout-image 1.4.1 -> 1.4.2');
  });

  it('names a rebuilt digest, a first deployment and an older candidate', () => {
    expect(
      approvalSummary(
        request({
          newCommits: [commit('a')],
          artifactChanges: [
            ...artifactChanges([artifact('a', '1', 'sha256:x')], [artifact('a', '1', 'sha256:y')]),
            ...artifactChanges([], [artifact('b', '2')]),
          ],
          olderThanLive: true,
        }),
      ),
    ).toBe('1 new commit; a 1 (new digest); b (none) -> 2; older than live');
    expect(approvalSummary(request({}))).toBe('no new commits');
  });
});
