import { WorkflowNotFoundError, type Client } from '@temporalio/client';

/** What Temporal knows of a run's workflow, by its business id. */
export type WorkflowState =
  | { kind: 'open' }
  /** No workflow has this id: its start was lost (or it closed so long ago that Temporal forgot it). */
  | { kind: 'missing' }
  | { kind: 'closed'; status: string };

export async function workflowState(temporal: Client, workflowId: string): Promise<WorkflowState> {
  try {
    const { status } = await temporal.workflow.getHandle(workflowId).describe();
    return status.name === 'RUNNING' ? { kind: 'open' } : { kind: 'closed', status: status.name };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { kind: 'missing' };
    throw error;
  }
}

/**
 * Why a run whose workflow closed without recording its end is ended by the reconciler. A workflow records
 * its end before it completes, so only one stopped from outside (the Temporal UI or CLI, the history size
 * limit) or a bug gets here.
 */
export function closedReason(status: string): string {
  return status === 'TERMINATED'
    ? 'terminated outside Lockstep'
    : `its workflow ended in Temporal as ${status} without recording the run's end`;
}

export const missingReason = 'its workflow no longer exists in Temporal';
