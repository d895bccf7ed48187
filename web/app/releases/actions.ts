'use server';

import { redirect } from 'next/navigation';
import { attempt, gql } from '@/lib/api';
import { field, type ActionResult } from '@/lib/form';
import { PromoteDocument, RollbackToDocument } from '@/lib/graphql-operations';

/** Promote (a live run into a pipeline) or roll back (to the run live before): starts the run, then opens it. */
export async function startRelease(_state: ActionResult, form: FormData): Promise<ActionResult> {
  const pipelineId = field(form, 'pipelineId');
  const runId = field(form, 'runId');
  if (!pipelineId) return { error: 'Choose the pipeline to promote into.' };
  let started = '';
  const outcome = await attempt(async () => {
    if (field(form, 'intent') === 'rollback') {
      started = (await gql(RollbackToDocument, { p: pipelineId, t: runId })).rollback.id;
    } else {
      started = (await gql(PromoteDocument, { p: pipelineId, f: runId })).promote.id;
    }
  });
  if (outcome.error) return outcome;
  redirect(`/runs/${started}`);
}
