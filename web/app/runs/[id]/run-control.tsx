'use client';

import { FormError } from '@/components/form-error';
import { useFormAction } from '@/components/use-form-action';
import { controlRun } from './actions';

/** Approve, reject (a gate or a plan), retry, cancel or override a freeze: a button (with an optional comment) and its outcome beside it. */
export function RunControl({
  intent,
  target,
  label,
  comment,
}: {
  intent: 'approve' | 'reject' | 'approvePlan' | 'rejectPlan' | 'retry' | 'cancel' | 'cancelDeploymentRun'
    | 'overrideFreeze';
  target: string;
  label: string;
  comment?: string;
}) {
  const [state, action, pending] = useFormAction(controlRun);
  return (
    <form action={action} className="inline-form">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="target" value={target} />
      {comment ? (
        <label>
          {comment}
          <input name="comment" />
        </label>
      ) : null}
      <button
        type="submit"
        disabled={pending}
        className={
          ['reject', 'rejectPlan', 'cancel', 'cancelDeploymentRun'].includes(intent) ? 'danger' : undefined
        }
      >
        {pending ? '…' : label}
      </button>
      <FormError error={state.error} />
    </form>
  );
}
