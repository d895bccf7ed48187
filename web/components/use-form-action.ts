import { useActionState } from 'react';
import type { ActionResult } from '@/lib/form';

/** A form's server action as the form uses it: the last result (no error at first), the action, pending. */
export function useFormAction(action: (state: ActionResult, form: FormData) => Promise<ActionResult>) {
  return useActionState<ActionResult, FormData>(action, { error: null });
}
