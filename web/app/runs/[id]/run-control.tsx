'use client';

import { FormError } from '@/components/form-error';
import { useFormAction } from '@/components/use-form-action';
import { controlRun } from './actions';

export type RunIntent =
  | 'approve'
  | 'reject'
  | 'approvePlan'
  | 'rejectPlan'
  | 'retry'
  | 'retryStage'
  | 'skip'
  | 'cancel'
  | 'cancelDeploymentRun'
  | 'overrideFreeze';

/**
 * Approve, reject (a gate or a plan), retry, skip, cancel or override a freeze: a button (with an optional comment, or a
 * required reason) and its outcome beside it.
 */
export function RunControl({
  intent,
  target,
  label,
  comment,
  required = false,
}: {
  intent: RunIntent;
  target: string;
  label: string;
  comment?: string;
  /** The comment must be given (a skip's reason). */
  required?: boolean;
}) {
  const [state, action, pending] = useFormAction(controlRun);
  return (
    <form action={action} className="inline-form">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="target" value={target} />
      {comment ? (
        <label>
          {comment}
          <input name="comment" required={required} />
        </label>
      ) : null}
      <button
        type="submit"
        disabled={pending}
        className={
          ['reject', 'rejectPlan', 'skip', 'cancel', 'cancelDeploymentRun'].includes(intent)
            ? 'danger'
            : undefined
        }
      >
        {pending ? '…' : label}
      </button>
      <FormError error={state.error} />
    </form>
  );
}
