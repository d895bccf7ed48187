'use client';

import { FormError } from '@/components/form-error';
import { useFormAction } from '@/components/use-form-action';
import { rerunFrom } from './actions';

/**
 * "Rerun from here" on a stage of an ended run: a new run with the same revision, commits, snapshot and
 * artifacts that starts at this stage; the earlier stages are reused unless "also earlier stages" is ticked
 * (docs/run-semantics.md, "After a failure").
 */
export function RerunControl({
  runId,
  stageRunId,
  first,
}: {
  runId: string;
  stageRunId: string;
  first: boolean;
}) {
  const [state, action, pending] = useFormAction(rerunFrom);
  return (
    <form action={action} className="inline-form">
      <input type="hidden" name="runId" value={runId} />
      <input type="hidden" name="stageRunId" value={stageRunId} />
      {first ? null : (
        <label className="check">
          <input type="checkbox" name="upstream" /> also earlier stages
        </label>
      )}
      <button type="submit" disabled={pending}>
        {pending ? '…' : 'Rerun from here'}
      </button>
      <FormError error={state.error} />
    </form>
  );
}
