'use server';

import { attempt, gql } from '@/lib/api';
import { field, type ActionResult } from '@/lib/form';

/** Approve, reject, retry or cancel: one form, one mutation, the outcome shown beside the button. */
export async function controlRun(_state: ActionResult, form: FormData): Promise<ActionResult> {
  const comment = field(form, 'comment') || null;
  const target = field(form, 'target');
  switch (field(form, 'intent')) {
    case 'approve':
      return attempt(() =>
        gql(`mutation($a: ID!, $c: String) { approveAction(actionRunId: $a, comment: $c) { id } }`, {
          a: target,
          c: comment,
        }),
      );
    case 'reject':
      return attempt(() =>
        gql(`mutation($a: ID!, $c: String) { rejectAction(actionRunId: $a, comment: $c) { id } }`, {
          a: target,
          c: comment,
        }),
      );
    case 'retry':
      return attempt(() => gql(`mutation($r: ID!) { retryFailedActions(runId: $r) { id } }`, { r: target }));
    case 'cancel':
      return attempt(() =>
        gql(`mutation($r: ID!, $c: String) { cancelRun(runId: $r, reason: $c) { id } }`, {
          r: target,
          c: comment,
        }),
      );
    default:
      return { error: 'Unknown action' };
  }
}
