'use server';

import { attempt, gql } from '@/lib/api';
import { field, type ActionResult } from '@/lib/form';
import {
  ApproveActionDocument,
  CancelRunDocument,
  RejectActionDocument,
  RetryFailedActionsDocument,
} from '@/lib/graphql-operations';

/** Approve, reject, retry or cancel: one form, one mutation, the outcome shown beside the button. */
export async function controlRun(_state: ActionResult, form: FormData): Promise<ActionResult> {
  const comment = field(form, 'comment') || null;
  const target = field(form, 'target');
  switch (field(form, 'intent')) {
    case 'approve':
      return attempt(() => gql(ApproveActionDocument, { a: target, c: comment }));
    case 'reject':
      return attempt(() => gql(RejectActionDocument, { a: target, c: comment }));
    case 'retry':
      return attempt(() => gql(RetryFailedActionsDocument, { r: target }));
    case 'cancel':
      return attempt(() => gql(CancelRunDocument, { r: target, c: comment }));
    default:
      return { error: 'Unknown action' };
  }
}
