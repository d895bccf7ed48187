'use server';

import { revalidatePath } from 'next/cache';
import { attempt, gql } from '@/lib/api';
import { field, type ActionResult } from '@/lib/form';
import { CreateFreezeWindowDocument, DeleteFreezeWindowDocument } from '@/lib/graphql-operations';

/** A `datetime-local` value read as UTC (the form says so), as the API's DateTime; '' stays '' for the API to refuse. */
const utc = (value: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00Z` : value);

export async function createFreezeWindow(_state: ActionResult, form: FormData): Promise<ActionResult> {
  const outcome = await attempt(() =>
    gql(CreateFreezeWindowDocument, {
      i: {
        name: field(form, 'name'),
        environmentId: field(form, 'environmentId') || null,
        startsAt: utc(field(form, 'startsAt')),
        endsAt: utc(field(form, 'endsAt')),
        reason: field(form, 'reason') || null,
      },
    }),
  );
  revalidatePath('/freeze-windows');
  return outcome;
}

export async function deleteFreezeWindow(_state: ActionResult, form: FormData): Promise<ActionResult> {
  const outcome = await attempt(() => gql(DeleteFreezeWindowDocument, { id: field(form, 'id') }));
  revalidatePath('/freeze-windows');
  return outcome;
}
