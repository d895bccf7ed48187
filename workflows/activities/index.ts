import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { createCommandActivities } from './command.activity';
import { createDeploymentActivities } from './deployment.activity';
import { createHttpActivities } from './http.activity';
import { createLaneActivities } from './lane.activity';
import { createProjectionActivities } from './projection.activity';

export interface ActivityDeps {
  dataSource: DataSource;
  /** For activities that signal other runs (lane grants, supersede). */
  temporal: Client;
  /** The environment commands start from. */
  commandBaseEnv: Record<string, string>;
}

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities({ dataSource, temporal, commandBaseEnv }: ActivityDeps) {
  return {
    ...createProjectionActivities({ dataSource }),
    ...createCommandActivities({ dataSource, baseEnv: commandBaseEnv }),
    ...createHttpActivities({ dataSource }),
    ...createDeploymentActivities({ dataSource, baseEnv: commandBaseEnv }),
    ...createLaneActivities({ dataSource, temporal }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
