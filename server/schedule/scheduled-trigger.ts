import type { TriggerPipeline } from '../../workflows/definitions';
import type { RunService } from '../run/run.service';

/**
 * The trigger a worker's schedule ticks use: the API's own RunService (snapshot, then start the run's
 * workflow), handed to the worker by its composition root since activities do not import server/.
 */
export function triggerPipelineWith(runs: RunService): TriggerPipeline {
  return async ({ pipelineId, revision, commits, principalId }) => {
    const at = (fact: { committedAt: string }) => new Date(fact.committedAt);
    const run = await runs.trigger(
      pipelineId,
      { ...revision, committedAt: at(revision) },
      commits.map((commit) => ({ ...commit, committedAt: at(commit) })),
      { id: principalId },
    );
    return { runId: run.id };
  };
}
