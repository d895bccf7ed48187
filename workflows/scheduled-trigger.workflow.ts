import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from './activities';
import { scheduledTickRetry, type ScheduledTickOutcome, type ScheduledTriggerInput } from './definitions';

const { triggerScheduledRun } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: scheduledTickRetry,
});

/**
 * One tick of a pipeline schedule (a Temporal Schedule starts it): decide the revision and trigger the
 * pipeline, in one activity. The run it starts is a workflow of its own, not a child: the tick ends at once.
 */
export async function scheduledTriggerWorkflow(input: ScheduledTriggerInput): Promise<ScheduledTickOutcome> {
  // Manual triggers of one schedule can share a workflow id (Temporal stamps it to the second): the
  // execution's run id tells ticks apart, and stays the same across the activity's retries.
  const { workflowId, runId } = workflowInfo();
  return triggerScheduledRun({ ...input, tickKey: `${workflowId}/${runId}` });
}
