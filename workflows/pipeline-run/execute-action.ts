import { ApplicationFailure, proxyActivities, sleep, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  activityProfiles,
  type ActionContext,
  type ArtifactRef,
  type ActionPlan,
  type CommandConfig,
  type HttpConfig,
  type PipelineRunInput,
  type RunCommandInput,
  type StagePlan,
  type WaitConfig,
} from '../definitions';

/** Executes one COMMAND, HTTP or WAIT action; `start` and `success` go to a COMMAND's attempts. */
export async function executeAction(
  input: PipelineRunInput,
  stage: StagePlan,
  context: ActionContext & Pick<RunCommandInput, 'start' | 'success'>,
  action: ActionPlan,
  outputs: Record<string, string>,
  artifacts: ArtifactRef[],
): Promise<{ outputs: Record<string, string>; artifacts?: ArtifactRef[]; recorded?: boolean }> {
  const retry = {
    maximumAttempts: action.retryPolicy.maximumAttempts,
    initialInterval: action.retryPolicy.initialIntervalMs,
    backoffCoefficient: action.retryPolicy.backoffCoefficient,
  };
  switch (action.kind) {
    case 'COMMAND': {
      const timeoutSeconds = action.timeoutSeconds ?? activityProfiles.command.defaultTimeoutSeconds;
      const options: ActivityOptions = {
        startToCloseTimeout: `${timeoutSeconds + activityProfiles.command.backstopSeconds} seconds`,
        heartbeatTimeout: activityProfiles.command.heartbeatTimeout,
        retry: {
          ...retry,
          // The activity makes the last allowed failure final itself; the extra attempts are for workers lost.
          maximumAttempts: retry.maximumAttempts + activityProfiles.command.lostWorkerAllowance,
          nonRetryableErrorTypes: ['InvalidOutput'],
        },
      };
      const config = action.config as unknown as CommandConfig;
      return proxyActivities<Activities>(options).runCommand({
        ...context,
        environmentId: stage.environmentId,
        revisionSha: input.revision.sha,
        command: { ...config, env: { ...outputs, ...config.env } },
        timeoutSeconds,
        maximumAttempts: retry.maximumAttempts,
        artifacts,
      });
    }
    case 'HTTP': {
      const timeoutSeconds = action.timeoutSeconds ?? activityProfiles.http.defaultTimeoutSeconds;
      const options: ActivityOptions = { startToCloseTimeout: `${timeoutSeconds + 5} seconds`, retry };
      await proxyActivities<Activities>(options).callHttp({
        ...context,
        environmentId: stage.environmentId,
        http: action.config as unknown as HttpConfig,
        timeoutSeconds,
      });
      return { outputs: {} };
    }
    case 'WAIT':
      await sleep((action.config as unknown as WaitConfig).seconds * 1000);
      return { outputs: {} };
    default:
      throw ApplicationFailure.nonRetryable(
        `action kind ${action.kind} is not executable by this engine version`,
        'UnsupportedAction',
      );
  }
}
