'use client';

import type { ReactNode } from 'react';
import type { ActionResult } from '@/lib/form';
import { FormError } from './form-error';
import { useFormAction } from './use-form-action';

/**
 * A create or edit form of the catalog pages: its fields, one submit button, and the API's answer beside it.
 * `key` the form by what it edits so a save that changes the list starts it afresh.
 */
export function AdminForm({
  label,
  submit,
  action,
  children,
}: {
  label: string;
  submit: string;
  action: (state: ActionResult, form: FormData) => Promise<ActionResult>;
  children: ReactNode;
}) {
  const [state, run, pending] = useFormAction(action);
  return (
    <form action={run} className="inline-form" aria-label={label}>
      {children}
      <button type="submit" disabled={pending}>
        {pending ? 'Saving…' : submit}
      </button>
      <FormError error={state.error} />
    </form>
  );
}
