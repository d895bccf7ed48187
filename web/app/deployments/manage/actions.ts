'use server';

import { revalidatePath } from 'next/cache';
import { attempt, gql } from '@/lib/api';
import { field, type ActionResult } from '@/lib/form';
import {
  CreateDeploymentDocument,
  DeleteDeploymentDocument,
  UpdateDeploymentDocument,
} from '@/lib/graphql-operations';

const input = (form: FormData) => ({
  name: field(form, 'name'),
  serviceId: field(form, 'serviceId'),
  environmentId: field(form, 'environmentId'),
  planCommand: field(form, 'planCommand') || null,
  applyCommand: field(form, 'applyCommand'),
  requirePlanApproval: form.get('requirePlanApproval') === 'on',
});

/** Creates a Deployment (its environment's pipeline places it), or saves one when the form carries its id. */
export async function saveDeployment(_state: ActionResult, form: FormData): Promise<ActionResult> {
  const id = field(form, 'id');
  const outcome = await attempt(() =>
    id
      ? gql(UpdateDeploymentDocument, { id, i: input(form) })
      : gql(CreateDeploymentDocument, { i: input(form) }),
  );
  revalidatePath('/deployments/manage');
  return outcome;
}

/** Deletes a Deployment; the API refuses while a pipeline uses it, and the form shows why. */
export async function deleteDeployment(_state: ActionResult, form: FormData): Promise<ActionResult> {
  const outcome = await attempt(() => gql(DeleteDeploymentDocument, { id: field(form, 'id') }));
  revalidatePath('/deployments/manage');
  return outcome;
}
