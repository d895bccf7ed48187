// The benchmark worker's workflow bundle: every product workflow, plus the bare baseline they are compared
// with. Bundled into Temporal's deterministic sandbox, so it imports only @temporalio/workflow and the
// product's own bundle entry.
import { proxyActivities } from '@temporalio/workflow';

export * from '../workflows/workflows';

/** The baselines' activities, registered on the bench worker beside the product's. */
export interface BareActivities {
  /** Returns at once. */
  noop(): Promise<void>;
  /** Spawns `true` (child_process) and waits for it to exit: the process a no-op COMMAND action runs. */
  spawnTrue(): Promise<void>;
}

const { noop, spawnTrue } = proxyActivities<BareActivities>({
  // Generous: on a shared machine a starved worker can take long to report even a no-op.
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3 },
});

/** The floor Temporal itself sets: `activities` no-op activities, one after another, and nothing else. */
export async function bareSequentialWorkflow(activities: number): Promise<void> {
  for (let i = 0; i < activities; i++) await noop();
}

/**
 * The fair baseline: `activities` activities one after another, each spawning the `true` process that our
 * COMMAND actions run, and nothing else. What separates it from ours is Lockstep's own work.
 */
export async function bareCommandWorkflow(activities: number): Promise<void> {
  for (let i = 0; i < activities; i++) await spawnTrue();
}
