import {
  defaultMaxParallel,
  defaultRetryPolicy,
  executionModes,
  type ExecutionMode,
  type RetryPolicy,
} from '../../db/domain';
import type { ActionPlan } from '../../workflows/definitions';
import { badInput } from '../errors';
import { intInRange, isUuid, optionalText, requiredText } from '../graphql/validate';
import { configValidators, plainObject } from './action-config';
import type { ActionInput, PipelineInput, RetryPolicyInput } from './pipeline.types';

/** A pipeline definition after validation: what is stored, and what runs snapshot. */
export interface PipelineDefinition {
  name: string;
  description: string | null;
  serviceId: string | null;
  executionMode: ExecutionMode;
  allowOlderThanLive: boolean;
  /** undefined: keep what is stored (an update that does not mention it); null: none. */
  source: { repository: string; branch: string } | null | undefined;
  stages: Array<{
    name: string;
    environmentId: string | null;
    maxParallel: number;
    transitionEnabled: boolean;
    /** As a run's plan will hold them, less the ids the run gives them. */
    actions: Array<Omit<ActionPlan, 'actionRunId' | 'actionId' | 'deployment' | 'reuse'>>;
  }>;
}

function retryPolicy(field: string, input: RetryPolicyInput | null | undefined): RetryPolicy {
  const backoff = input?.backoffCoefficient ?? defaultRetryPolicy.backoffCoefficient;
  if (!Number.isFinite(backoff) || backoff < 1 || backoff > 10)
    throw badInput(`${field}.backoffCoefficient`, 'must be from 1 to 10');
  return {
    maximumAttempts: intInRange(
      `${field}.maximumAttempts`,
      input?.maximumAttempts,
      1,
      100,
      defaultRetryPolicy.maximumAttempts,
    ),
    initialIntervalMs: intInRange(
      `${field}.initialIntervalMs`,
      input?.initialIntervalMs,
      100,
      3_600_000,
      defaultRetryPolicy.initialIntervalMs,
    ),
    backoffCoefficient: backoff,
  };
}

function action(field: string, input: ActionInput): PipelineDefinition['stages'][number]['actions'][number] {
  const validate = configValidators[input.kind];
  if (!validate) throw badInput(`${field}.kind`, 'is not an action kind');
  return {
    name: requiredText(`${field}.name`, input.name, 100),
    kind: input.kind,
    runOrder: intInRange(`${field}.runOrder`, input.runOrder, 0, 1000, 1),
    config: validate(`${field}.config`, plainObject(`${field}.config`, input.config)),
    timeoutSeconds:
      input.timeoutSeconds === null || input.timeoutSeconds === undefined
        ? null
        : intInRange(`${field}.timeoutSeconds`, input.timeoutSeconds, 1, 7 * 86_400, 0),
    retryPolicy: retryPolicy(`${field}.retryPolicy`, input.retryPolicy),
  };
}

function uniqueNames(field: string, names: string[], what: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw badInput(field, `two ${what} are named "${name}"; names must be unique`);
    seen.add(name);
  }
}

function optionalId(field: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (!isUuid(value)) throw badInput(field, 'is not a valid id');
  return value;
}

const repositoryPattern = /^[\w.-]+\/[\w.-]+$/;

function source(input: PipelineInput['source']): PipelineDefinition['source'] {
  if (input === null || input === undefined) return input;
  const repository = requiredText('input.source.repository', input.repository, 200);
  if (!repositoryPattern.test(repository))
    throw badInput('input.source.repository', 'must be owner/name, as GitHub spells it');
  const branch = requiredText('input.source.branch', input.branch, 255).replace(/^refs\/heads\//, '');
  if (/\s/.test(branch) || branch === '') throw badInput('input.source.branch', 'must be a branch name');
  return { repository, branch };
}

/**
 * Checks a PipelineInput's shape and values; references (service, environments) are checked by the service.
 * `emptyStages`: an environment pipeline's stages may hold no action yet (no service of that type).
 */
export function parsePipelineInput(
  input: PipelineInput,
  { emptyStages = false }: { emptyStages?: boolean } = {},
): PipelineDefinition {
  if (input.executionMode && !executionModes.includes(input.executionMode))
    throw badInput('input.executionMode', 'is not an execution mode');
  if (input.stages.length === 0) throw badInput('input.stages', 'a pipeline needs at least one stage');
  if (input.stages.length > 50) throw badInput('input.stages', 'at most 50 stages');
  const stages = input.stages.map((stage, s) => {
    const field = `input.stages[${s}]`;
    if (stage.actions.length === 0 && !emptyStages)
      throw badInput(`${field}.actions`, 'a stage needs at least one action');
    if (stage.actions.length > 100) throw badInput(`${field}.actions`, 'at most 100 actions per stage');
    const actions = stage.actions.map((a, i) => action(`${field}.actions[${i}]`, a));
    uniqueNames(
      `${field}.actions`,
      actions.map((a) => a.name),
      'actions of this stage',
    );
    return {
      name: requiredText(`${field}.name`, stage.name, 100),
      environmentId: optionalId(`${field}.environmentId`, stage.environmentId),
      maxParallel: intInRange(`${field}.maxParallel`, stage.maxParallel, 1, 100, defaultMaxParallel),
      transitionEnabled: stage.transitionEnabled ?? true,
      actions,
    };
  });
  uniqueNames(
    'input.stages',
    stages.map((s) => s.name),
    'stages',
  );
  return {
    name: requiredText('input.name', input.name, 100),
    description: optionalText('input.description', input.description, 2000),
    serviceId: optionalId('input.serviceId', input.serviceId),
    executionMode: input.executionMode ?? 'QUEUED',
    allowOlderThanLive: input.allowOlderThanLive ?? false,
    source: source(input.source),
    stages,
  };
}
