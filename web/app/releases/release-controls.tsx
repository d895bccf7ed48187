'use client';

import { FormError } from '@/components/form-error';
import { useFormAction } from '@/components/use-form-action';
import { short } from '@/lib/format';
import { startRelease } from './actions';

/** Promote what is live in a cell into one of the service's pipelines. */
export function PromoteForm({
  runId,
  where,
  pipelines,
}: {
  runId: string;
  where: string;
  pipelines: Array<{ id: string; name: string }>;
}) {
  const [state, action, pending] = useFormAction(startRelease);
  return (
    <form action={action} className="inline-form" aria-label={`Promote ${where}`}>
      <input type="hidden" name="intent" value="promote" />
      <input type="hidden" name="runId" value={runId} />
      <select name="pipelineId" aria-label="into pipeline" defaultValue={pipelines[0]?.id}>
        {pipelines.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      <button type="submit" disabled={pending}>
        {pending ? '…' : 'Promote'}
      </button>
      <FormError error={state.error} />
    </form>
  );
}

/** Roll a cell back to the run that was live there before (its build reused, never rebuilt). */
export function RollbackForm({
  pipelineId,
  runId,
  sha,
  where,
}: {
  pipelineId: string;
  runId: string;
  sha: string | null;
  where: string;
}) {
  const [state, action, pending] = useFormAction(startRelease);
  return (
    <form action={action} className="inline-form" aria-label={`Roll back ${where}`}>
      <input type="hidden" name="intent" value="rollback" />
      <input type="hidden" name="pipelineId" value={pipelineId} />
      <input type="hidden" name="runId" value={runId} />
      <button type="submit" className="danger" disabled={pending}>
        {pending ? '…' : `Roll back to ${short(sha)}`}
      </button>
      <FormError error={state.error} />
    </form>
  );
}
