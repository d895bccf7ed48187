// The pure part of the older-than-live check (workflows/pipeline-run/live-check.ts); beside the kit's test,
// since tests may not sit in the sandboxed folder.
import { describe, expect, it } from 'vitest';
import { olderThanLiveReason } from './pipeline-run/live-check';

const candidate = {
  sha: 'aaaaaaa1111',
  committedAt: '2026-11-20T10:00:00.000Z',
  message: null,
  author: null,
};
const live = (committedAt: string | null) => ({
  deploymentRunId: 'd',
  revisionSha: 'bbbbbbb2222',
  revisionCommittedAt: committedAt,
  madeBy: 'checkout run #12',
});

describe('olderThanLiveReason', () => {
  it('refuses a revision committed before the live one, naming the live revision and run', () => {
    expect(olderThanLiveReason(candidate, live('2026-11-20T11:00:00.000Z'))).toBe(
      'revision aaaaaaa1111 (committed 2026-11-20T10:00:00.000Z) is older than the live revision bbbbbbb2222 ' +
        '(committed 2026-11-20T11:00:00.000Z) deployed by checkout run #12; roll back to deploy an older revision',
    );
  });

  it('lets through the same time or later, nothing live, and a live deployment without a revision', () => {
    expect(olderThanLiveReason(candidate, live(candidate.committedAt))).toBeNull();
    expect(olderThanLiveReason(candidate, live('2026-11-20T09:00:00.000Z'))).toBeNull();
    expect(olderThanLiveReason(candidate, null)).toBeNull();
    expect(olderThanLiveReason(candidate, live(null))).toBeNull();
  });
});
