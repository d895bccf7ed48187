import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import type { SecretBox } from '../../db/secret-box';
import type { TriggerPipeline } from '../definitions';
import { createCommandActivities } from './command.activity';
import { createDeploymentActivities } from './deployment.activity';
import { createHttpActivities } from './http.activity';
import { createLaneActivities } from './lane.activity';
import { createProjectionActivities } from './projection.activity';
import { createScheduleActivities } from './schedule.activity';
import { createWebhookActivities } from './webhook.activity';

export interface ActivityDeps {
  dataSource: DataSource;
  /** For activities that signal other runs (lane grants, supersede). */
  temporal: Client;
  /** The environment commands start from. */
  commandBaseEnv: Record<string, string>;
  /** Opens secrets and webhook secrets; null when LOCKSTEP_SECRET_KEY is not set. */
  secretBox: SecretBox | null;
  /** The dashboard's base URL, for the run links in notifications. */
  publicUrl: string;
  /** Starts pipeline runs for schedule ticks (built by main/worker.ts from the API's RunService). */
  triggerPipeline?: TriggerPipeline;
}

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities({
  dataSource,
  temporal,
  commandBaseEnv,
  secretBox,
  publicUrl,
  triggerPipeline,
}: ActivityDeps) {
  return {
    ...createProjectionActivities({ dataSource }),
    ...createCommandActivities({ dataSource, secretBox, baseEnv: commandBaseEnv }),
    ...createHttpActivities({ dataSource }),
    ...createDeploymentActivities({ dataSource, secretBox, baseEnv: commandBaseEnv }),
    ...createLaneActivities({ dataSource, temporal }),
    ...createWebhookActivities({ dataSource, secretBox, publicUrl }),
    ...createScheduleActivities({ dataSource, temporal, triggerPipeline }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
