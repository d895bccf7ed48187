import { badInput } from '../errors';
import { intInRange, isUuid, refuseNul, requiredText } from '../graphql/validate';
import type { DeploymentInput } from './deployment.types';

/** A Deployment as stored, after its input was checked (references are checked by the writer). */
export interface DeploymentDefinition {
  name: string;
  serviceId: string;
  environmentId: string;
  planCommand: string | null;
  applyCommand: string;
  requirePlanApproval: boolean;
  /** Its plan approval's options, those of an approval gate (docs/run-semantics.md, "Approval outcomes"). */
  planRequiredApprovals: number;
  planTimeoutSeconds: number | null;
  planAllowSelfApproval: boolean;
}

function command(field: string, value: string | null | undefined, required: boolean): string | null {
  if ((value === null || value === undefined || value.trim() === '') && !required) return null;
  if (typeof value !== 'string' || value.trim() === '')
    throw badInput(field, 'must be a non-blank shell command');
  if (value.length > 65_536) throw badInput(field, 'must be at most 65536 characters');
  return refuseNul(field, value);
}

/** Checks a DeploymentInput's shape and values. */
export function parseDeploymentInput(input: DeploymentInput): DeploymentDefinition {
  const name = requiredText('input.name', input.name, 100);
  if (!isUuid(input.serviceId)) throw badInput('input.serviceId', 'no service has this id');
  if (!isUuid(input.environmentId)) throw badInput('input.environmentId', 'no environment has this id');
  const planCommand = command('input.planCommand', input.planCommand, false);
  const applyCommand = command('input.applyCommand', input.applyCommand, true)!;
  if (input.requirePlanApproval && !planCommand) {
    throw badInput('input.requirePlanApproval', 'a plan approval needs a planCommand to approve');
  }
  const options = input.planApproval ?? {};
  if (input.planApproval && !input.requirePlanApproval) {
    throw badInput('input.planApproval', 'applies only with requirePlanApproval: true');
  }
  // The same bounds as an APPROVAL action's config (server/pipeline/action-config.ts).
  const planRequiredApprovals = intInRange(
    'input.planApproval.requiredApprovals',
    options.requiredApprovals,
    1,
    20,
    1,
  );
  const planTimeoutSeconds =
    options.timeoutSeconds === null || options.timeoutSeconds === undefined
      ? null
      : intInRange('input.planApproval.timeoutSeconds', options.timeoutSeconds, 1, 30 * 86_400, 0);
  return {
    name,
    serviceId: input.serviceId,
    environmentId: input.environmentId,
    planCommand,
    applyCommand,
    requirePlanApproval: input.requirePlanApproval ?? false,
    planRequiredApprovals,
    planTimeoutSeconds,
    planAllowSelfApproval: options.allowSelfApproval ?? false,
  };
}
