// The shape of a pipelines-as-code file, as cli/lockstep.schema.json describes it: each object is its
// GraphQL input with names in place of ids.
import type { ActionKind, EnvironmentTier, ExecutionMode } from '../client';

export interface ServiceSpec {
  name: string;
  team?: string | null;
}

export interface EnvironmentSpec {
  name: string;
  tier: EnvironmentTier;
}

export interface DeploymentSpec {
  name: string;
  service: string;
  environment: string;
  planCommand?: string | null;
  applyCommand: string;
  requirePlanApproval?: boolean;
  planApproval?: { requiredApprovals?: number; timeoutSeconds?: number; allowSelfApproval?: boolean };
}

export interface ActionSpec {
  name: string;
  kind: ActionKind;
  runOrder?: number;
  /** DEPLOYMENT: `{ deployment: NAME }`. */
  config: Record<string, unknown>;
  timeoutSeconds?: number;
  retryPolicy?: { maximumAttempts?: number; initialIntervalMs?: number; backoffCoefficient?: number };
}

export interface StageSpec {
  name: string;
  environment?: string;
  maxParallel?: number;
  transitionEnabled?: boolean;
  actions: ActionSpec[];
}

export interface PipelineSpec {
  name: string;
  description?: string | null;
  service?: string;
  executionMode?: ExecutionMode;
  source?: { repository: string; branch: string };
  stages: StageSpec[];
}

export interface PipelinesAsCode {
  services?: ServiceSpec[];
  environments?: EnvironmentSpec[];
  deployments?: DeploymentSpec[];
  pipelines?: PipelineSpec[];
}
