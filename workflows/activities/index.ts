import type { DataSource } from 'typeorm';
import { createCommandActivities } from './command.activity';
import { createProjectionActivities } from './projection.activity';

export interface ActivityDeps {
  dataSource: DataSource;
  /** The environment commands start from. */
  commandBaseEnv: Record<string, string>;
}

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities({ dataSource, commandBaseEnv }: ActivityDeps) {
  return {
    ...createProjectionActivities({ dataSource }),
    ...createCommandActivities({ dataSource, baseEnv: commandBaseEnv }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
