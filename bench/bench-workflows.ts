// The benchmark worker's workflow bundle: every product workflow, plus the bare baseline they are compared
// with. Bundled into Temporal's deterministic sandbox, so it imports only @temporalio/workflow and the
// product's own bundle entry.
import { proxyActivities } from '@temporalio/workflow';

export * from '../workflows/workflows';

/** The baseline's only activity: registered on the bench worker beside the product's, it returns at once. */
export interface BareActivities {
  noop(): Promise<void>;
}

const { noop } = proxyActivities<BareActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

/** The floor Temporal itself sets: `activities` no-op activities, one after another, and nothing else. */
export async function bareSequentialWorkflow(activities: number): Promise<void> {
  for (let i = 0; i < activities; i++) await noop();
}
