import { RunUpdatesDocument, type LockstepClient, type RunViewFragment } from '../client';
import { CliError } from './errors';
import { runName } from './refs';

/** A run in one of these has ended (a FAILED run may still be retried, but a waiting script has its answer). */
export const finishedStatuses = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'SUPERSEDED']);

/** The lines that tell what changed between two views of a run: the run, each stage, each action. */
function changes(run: RunViewFragment, seen: Map<string, string>): string[] {
  const name = runName(run);
  const out: string[] = [];
  const note = (key: string, status: string, text: () => string) => {
    if (seen.get(key) === status) return;
    const first = !seen.has(key);
    seen.set(key, status);
    if (!(first && status === 'PENDING')) out.push(text());
  };
  for (const stage of run.stages) {
    note(`stage:${stage.id}`, stage.status, () => `${name} ${stage.name} ${stage.status}`);
    for (const action of stage.actions) {
      note(`action:${action.id}`, action.status, () => {
        const error = action.status === 'FAILED' ? action.attempts.at(-1)?.error : null;
        return `${name} ${stage.name}/${action.name} ${action.status}${error ? `: ${error.split('\n')[0]}` : ''}`;
      });
    }
  }
  note(
    'run',
    run.status,
    () =>
      `${name} ${run.status}${run.failureReason && run.status !== 'SUCCEEDED' ? `: ${run.failureReason}` : ''}`,
  );
  return out;
}

/**
 * Follows a run live through `pipelineRunUpdated` (the run as it is now, then after each change), calling
 * `onLine` for each change, until it ends; resolves with the run as it ended.
 */
export async function followRun(
  client: LockstepClient,
  runId: string,
  onLine: (text: string) => void,
): Promise<RunViewFragment> {
  const seen = new Map<string, string>();
  const updates = client.subscribe(RunUpdatesDocument, { runId });
  try {
    for await (const { pipelineRunUpdated: run } of updates) {
      for (const text of changes(run, seen)) onLine(text);
      if (finishedStatuses.has(run.status)) return run;
    }
  } finally {
    updates.close();
  }
  throw new CliError('the API ended the subscription before the run finished');
}
