/** Releases: artifacts handed from action to action and run to run, and what is live where. */
import type { ArtifactRef } from '../../db/releases/artifacts';

export type { ArtifactFact, ArtifactRef } from '../../db/releases/artifacts';

/**
 * An action not executed in this run: an earlier run's action (the one that actually ran) published the
 * artifacts it would build. Set by promote and rollback; its outputs and artifacts flow on as if it had run.
 */
export interface ActionReuse {
  fromActionRunId: string;
  outputs: Record<string, string>;
  artifacts: ArtifactRef[];
  /** Why it was not executed, as the action's skip reason shows it. */
  reason: string;
}

/** Where a run is about to deploy its pipeline's service. */
export interface LiveRequest {
  serviceId: string;
  environmentId: string;
}

/** What is live there (null: nothing yet), as much as a stage needs to refuse an older revision. */
export interface LiveState {
  deploymentRunId: string;
  revisionSha: string | null;
  /** ISO time; null when the live deployment was reported without a revision. */
  revisionCommittedAt: string | null;
  /** "checkout run #12", "an external deployment", ... */
  madeBy: string;
}
