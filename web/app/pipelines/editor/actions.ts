'use server';

import { revalidatePath } from 'next/cache';
import { attempt, gql } from '@/lib/api';
import type { ActionResult } from '@/lib/form';
import { CreatePipelineDocument, UpdatePipelineDocument } from '@/lib/graphql-operations';
import type { PipelineInput } from '@/lib/graphql-types';

/** Creates a pipeline (no id) or replaces its definition; the answer names the field the API refused. */
export async function savePipeline(
  id: string | null,
  input: PipelineInput,
): Promise<ActionResult & { id: string | null }> {
  let saved: string | null = id;
  const outcome = await attempt(async () => {
    if (id) await gql(UpdatePipelineDocument, { id, i: input });
    else saved = (await gql(CreatePipelineDocument, { i: input })).createPipeline.id;
  });
  if (saved) revalidatePath(`/pipelines/${saved}`);
  revalidatePath('/pipelines');
  return { ...outcome, id: outcome.error ? null : saved };
}
