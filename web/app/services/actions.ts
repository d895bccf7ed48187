'use server';

import { revalidatePath } from 'next/cache';
import { attempt, gql } from '@/lib/api';
import { field, type ActionResult } from '@/lib/form';
import { CreateServiceDocument, UpdateServiceDocument } from '@/lib/graphql-operations';
import type { ServiceType } from '@/lib/graphql-types';

const input = (form: FormData) => ({
  name: field(form, 'name'),
  team: field(form, 'team') || null,
  type: (field(form, 'type') || null) as ServiceType | null,
});

/** Creates a service, or saves one when the form carries its id. */
export async function saveService(_state: ActionResult, form: FormData): Promise<ActionResult> {
  const id = field(form, 'id');
  const outcome = await attempt(() =>
    id ? gql(UpdateServiceDocument, { id, i: input(form) }) : gql(CreateServiceDocument, { i: input(form) }),
  );
  revalidatePath('/services');
  return outcome;
}
