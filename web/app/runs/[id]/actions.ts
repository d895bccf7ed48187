'use server';

import { redirect } from 'next/navigation';
import { attempt, gql } from '@/lib/api';
import { field, type ActionResult } from '@/lib/form';
import {
  ApproveActionDocument,
  ApproveDeploymentPlanDocument,
  CancelDeploymentRunDocument,
  CancelRunDocument,
  OverrideFreezeDocument,
  RejectActionDocument,
  RejectDeploymentPlanDocument,
  RerunFromStageDocument,
  RetryFailedActionsDocument,
  RetryStageDocument,
  SkipFailedActionsDocument,
} from '@/lib/graphql-operations';

/**
 * Approve or reject (a gate, or a Deployment Run's plan), retry (the failed actions or the stage), skip the
 * failed actions with a reason, cancel (a run, or a Deployment Run started alone) or override a freeze: one
 * form, one mutation, the outcome shown beside the button.
 */
export async function controlRun(_state: ActionResult, form: FormData): Promise<ActionResult> {
  const comment = field(form, 'comment') || null;
  const target = field(form, 'target');
  switch (field(form, 'intent')) {
    case 'approve':
      return attempt(() => gql(ApproveActionDocument, { a: target, c: comment }));
    case 'reject':
      return attempt(() => gql(RejectActionDocument, { a: target, c: comment }));
    case 'approvePlan':
      return attempt(() => gql(ApproveDeploymentPlanDocument, { d: target, c: comment }));
    case 'rejectPlan':
      return attempt(() => gql(RejectDeploymentPlanDocument, { d: target, c: comment }));
    case 'retry':
      return attempt(() => gql(RetryFailedActionsDocument, { r: target }));
    case 'overrideFreeze':
      return attempt(() => gql(OverrideFreezeDocument, { r: target, c: comment ?? '' }));
    case 'retryStage':
      return attempt(() => gql(RetryStageDocument, { r: target }));
    case 'skip':
      // The API refuses a blank reason (BAD_USER_INPUT), shown beside the button.
      return attempt(() => gql(SkipFailedActionsDocument, { r: target, c: comment ?? '' }));
    case 'cancel':
      return attempt(() => gql(CancelRunDocument, { r: target, c: comment }));
    case 'cancelDeploymentRun':
      return attempt(() => gql(CancelDeploymentRunDocument, { d: target, c: comment }));
    default:
      return { error: 'Unknown action' };
  }
}

/** Rerun from a stage: a new run of the same revision (earlier stages reused unless asked), then opens it. */
export async function rerunFrom(_state: ActionResult, form: FormData): Promise<ActionResult> {
  let started = '';
  const outcome = await attempt(async () => {
    const variables = {
      r: field(form, 'runId'),
      s: field(form, 'stageRunId'),
      u: field(form, 'upstream') === 'on',
    };
    started = (await gql(RerunFromStageDocument, variables)).rerunFromStage.id;
  });
  if (outcome.error) return outcome;
  redirect(`/runs/${started}`);
}
