import { registerEnumType } from 'type-graphql';
import {
  actionKinds,
  actionStatuses,
  deploymentRunStatuses,
  environmentTiers,
  executionModes,
  incidentAttributions,
  pipelineEventTypes,
  roles,
  runStatuses,
  serviceTypes,
  stageStatuses,
} from '../../db/domain';

/** A GraphQL enum whose values are the strings stored in the database. */
function enumOf<const T extends readonly string[]>(values: T, name: string): { [K in T[number]]: K } {
  const object = Object.fromEntries(values.map((value) => [value, value])) as { [K in T[number]]: K };
  registerEnumType(object, { name });
  return object;
}

export const RoleEnum = enumOf(roles, 'Role');
export const ServiceTypeEnum = enumOf(serviceTypes, 'ServiceType');
export const EnvironmentTierEnum = enumOf(environmentTiers, 'EnvironmentTier');
export const ActionKindEnum = enumOf(actionKinds, 'ActionKind');
export const ExecutionModeEnum = enumOf(executionModes, 'ExecutionMode');
export const RunStatusEnum = enumOf(runStatuses, 'RunStatus');
export const StageStatusEnum = enumOf(stageStatuses, 'StageStatus');
export const ActionStatusEnum = enumOf(actionStatuses, 'ActionStatus');
export const PipelineEventTypeEnum = enumOf(pipelineEventTypes, 'PipelineEventType');
export const DeploymentRunStatusEnum = enumOf(deploymentRunStatuses, 'DeploymentRunStatus');
export const SecretScopeEnum = enumOf(['GLOBAL', 'ENVIRONMENT', 'PIPELINE'] as const, 'SecretScope');
export const IntervalEnum = enumOf(['DAY', 'WEEK', 'MONTH'] as const, 'Interval');
export const DoraLevelEnum = enumOf(['ELITE', 'HIGH', 'MEDIUM', 'LOW'] as const, 'DoraLevel');
export const IncidentAttributionEnum = enumOf(incidentAttributions, 'IncidentAttribution');
