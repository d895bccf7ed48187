import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import type { SecretBox } from '../../db/secret-box';
import type { TriggerPipeline } from '../definitions';
import { createCommandActivities } from './command.activity';
import { CommandSandbox, type UidRange } from './command-sandbox';
import { createDecisionActivities } from './decision.activity';
import { createDeploymentActivities } from './deployment.activity';
import { createFreezeActivities } from './freeze.activity';
import { createHttpActivities } from './http.activity';
import { createLaneActivities } from './lane.activity';
import { createLiveActivities } from './live.activity';
import { Registry } from 'prom-client';
import { createWorkerMetrics, type WorkerMetrics } from '../metrics/worker-metrics';
import { createProjectionActivities } from './projection.activity';
import { createScheduleActivities } from './schedule.activity';
import { createWebhookActivities } from './webhook.activity';

export interface ActivityDeps {
  dataSource: DataSource;
  /** For activities that signal other runs (lane grants, supersede). */
  temporal: Client;
  /** The environment commands start from. */
  commandBaseEnv: Record<string, string>;
  /** The uids commands run as when the worker is root (LOCKSTEP_COMMAND_UIDS). */
  commandUids: UidRange;
  /** Bytes of log one action attempt or deployment step stores at most (LOCKSTEP_LOG_LIMIT_BYTES). */
  logLimitBytes: number;
  /** Opens secrets and webhook secrets; null when LOCKSTEP_SECRET_KEY is not set. */
  secretBox: SecretBox | null;
  /** The dashboard's base URL, for the run links in notifications. */
  publicUrl: string;
  /** Starts pipeline runs for schedule ticks (built by main/worker.ts from the API's RunService). */
  triggerPipeline?: TriggerPipeline;
  /** Where runs, actions and deliveries are counted (the worker's /metrics); absent: counted nowhere. */
  metrics?: WorkerMetrics;
}

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities({
  dataSource,
  temporal,
  commandBaseEnv,
  commandUids,
  logLimitBytes,
  secretBox,
  publicUrl,
  triggerPipeline,
  metrics = createWorkerMetrics(new Registry()),
}: ActivityDeps) {
  // One sandbox for both kinds of command, so no two running attempts ever share a uid.
  const sandbox = CommandSandbox.forThisProcess(commandUids);
  const commands = { dataSource, secretBox, baseEnv: commandBaseEnv, sandbox, logLimitBytes, metrics };
  return {
    ...createProjectionActivities({ dataSource, metrics }),
    ...createCommandActivities(commands),
    ...createHttpActivities({ dataSource, secretBox }),
    ...createDeploymentActivities(commands),
    ...createLaneActivities({ dataSource, temporal, metrics }),
    ...createLiveActivities({ dataSource }),
    ...createFreezeActivities({ dataSource, temporal }),
    ...createWebhookActivities({ dataSource, secretBox, publicUrl, metrics }),
    ...createDecisionActivities({ secretBox }),
    ...createScheduleActivities({ dataSource, temporal, triggerPipeline }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
