'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { attempt, gql } from '@/lib/api';
import { field, type ActionResult } from '@/lib/form';
import { MoveServiceDocument, ReleaseChangeDocument, SetTransitionDocument } from '@/lib/graphql-operations';

/** "Release change": triggers a run for a revision, then opens the run. */
export async function releaseChange(_state: ActionResult, form: FormData): Promise<ActionResult> {
  const pipelineId = field(form, 'pipelineId');
  const sha = field(form, 'sha');
  if (!sha) return { error: 'Enter the revision (commit SHA) to release.' };
  // The commit's author time feeds lead time for changes (docs/dora.md); without one, the release time is used.
  const authored = field(form, 'committedAt');
  const committedAt = authored ? new Date(`${authored}Z`) : new Date();
  if (Number.isNaN(committedAt.getTime())) return { error: 'Authored at must be a date and time.' };
  let runId = '';
  const outcome = await attempt(async () => {
    const { triggerPipeline } = await gql(ReleaseChangeDocument, {
      p: pipelineId,
      r: { sha, message: field(form, 'message') || null, committedAt: committedAt.toISOString() },
    });
    runId = triggerPipeline.id;
  });
  if (outcome.error) return outcome;
  redirect(`/runs/${runId}`);
}

/** Turns a stage's incoming transition on or off, with the reason people will read. */
export async function setTransition(_state: ActionResult, form: FormData): Promise<ActionResult> {
  const outcome = await attempt(() =>
    gql(SetTransitionDocument, {
      s: field(form, 'stageId'),
      e: field(form, 'enabled') === 'true',
      r: field(form, 'reason') || null,
    }),
  );
  revalidatePath(`/pipelines/${field(form, 'pipelineId')}`);
  return outcome;
}

/** Moves a service (with its Deployments) to another stage of an environment pipeline. */
export async function moveService(
  pipelineId: string,
  serviceId: string,
  toStageId: string,
): Promise<ActionResult> {
  const outcome = await attempt(() =>
    gql(MoveServiceDocument, { p: pipelineId, s: serviceId, t: toStageId }),
  );
  revalidatePath(`/pipelines/${pipelineId}`);
  return outcome;
}
