'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { attempt, gql } from '@/lib/api';
import { field, type ActionResult } from '@/lib/form';
import {
  CreateEnvironmentDocument,
  CreateEnvironmentPipelineDocument,
  UpdateEnvironmentDocument,
} from '@/lib/graphql-operations';
import type { EnvironmentTier } from '@/lib/graphql-types';

const input = (form: FormData) => ({
  name: field(form, 'name'),
  tier: field(form, 'tier') as EnvironmentTier,
});

/** Creates an environment, or saves one when the form carries its id. */
export async function saveEnvironment(_state: ActionResult, form: FormData): Promise<ActionResult> {
  const id = field(form, 'id');
  const outcome = await attempt(() =>
    id
      ? gql(UpdateEnvironmentDocument, { id, i: input(form) })
      : gql(CreateEnvironmentDocument, { i: input(form) }),
  );
  revalidatePath('/environments');
  return outcome;
}

/** Creates the environment's pipeline (default stages, its Deployments placed by type), then opens it. */
export async function createEnvironmentPipeline(_state: ActionResult, form: FormData): Promise<ActionResult> {
  let pipelineId = '';
  const outcome = await attempt(async () => {
    pipelineId = (await gql(CreateEnvironmentPipelineDocument, { e: field(form, 'environmentId') }))
      .createEnvironmentPipeline.id;
  });
  if (outcome.error) return outcome;
  redirect(`/pipelines/${pipelineId}`);
}
