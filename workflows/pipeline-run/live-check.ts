import { patched } from '@temporalio/workflow';
import type { LiveState, RevisionFact, StagePlan } from '../definitions';
import { bookkeeping } from './local-activities';
import type { RunContext } from './run-context';

const { readLive } = bookkeeping;

/**
 * Never older than live: before a stage with an environment runs its first action, the run reads what is
 * live there for the pipeline's service (now, not when it was triggered) and refuses a revision committed
 * before the live one. Rollbacks are exempt, and a pipeline may opt out (`allowOlderThanLive`). Returns the
 * reason the stage fails with, or null.
 */
export async function refuseOlderThanLive(run: RunContext, stage: StagePlan): Promise<string | null> {
  const { input } = run;
  if (!stage.environmentId || !input.serviceId || input.isRollback || input.allowOlderThanLive) return null;
  // Runs recorded before this check existed replay without it.
  if (!patched('older-than-live')) return null;
  const live = await readLive({ serviceId: input.serviceId, environmentId: stage.environmentId });
  return olderThanLiveReason(input.revision, live);
}

/** Why `candidate` may not replace `live` (its commit time is earlier), or null. */
export function olderThanLiveReason(candidate: RevisionFact, live: LiveState | null): string | null {
  if (!live?.revisionCommittedAt) return null;
  if (Date.parse(candidate.committedAt) >= Date.parse(live.revisionCommittedAt)) return null;
  return (
    `revision ${candidate.sha.slice(0, 12)} (committed ${candidate.committedAt}) is older than the live ` +
    `revision ${(live.revisionSha ?? '').slice(0, 12)} (committed ${live.revisionCommittedAt}) deployed by ` +
    `${live.madeBy}; roll back to deploy an older revision`
  );
}
