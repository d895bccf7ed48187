import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { createDeploymentRunReconciler } from './deployment-runs';
import { createPipelineRunReconciler } from './pipeline-runs';

export interface RunReconcilerOptions {
  dataSource: DataSource;
  temporal: Client;
  taskQueue: string;
  /** LOCKSTEP_RETRY_HOLD_SECONDS: a run started here holds a failure as long as one the API starts. */
  retryHoldSeconds: number;
  /** How often rows are compared with their workflows (LOCKSTEP_RECONCILE_SECONDS). */
  intervalMs?: number;
  /**
   * How old a row must be before a missing workflow counts as lost (LOCKSTEP_RECONCILE_GRACE): the API
   * starts the workflow right after committing the row.
   */
  graceSeconds?: number;
  log?: (message: string) => void;
}

export interface RunReconciler {
  stop(): Promise<void>;
}

/**
 * The worker's reconciler: every `intervalMs` it compares the rows of active runs (pipeline runs, and
 * deployment runs started alone) with their workflows in Temporal, and starts the ones whose start was lost
 * or ends the ones whose workflow is gone or was stopped from outside (pipeline-runs.ts). Every change is
 * conditional on the row still being active and every start refuses a duplicate id, so any number of
 * workers can run it side by side.
 */
export function startRunReconciler(options: RunReconcilerOptions): RunReconciler {
  const log = options.log ?? ((message: string) => console.error(message));
  const graceSeconds = options.graceSeconds ?? 60;
  const pipelineRuns = createPipelineRunReconciler({ ...options, log });
  const deploymentRuns = createDeploymentRunReconciler({ ...options, log });
  let stopped = false;
  let running: Promise<void> | null = null;

  async function sweep(): Promise<void> {
    try {
      await pipelineRuns(graceSeconds);
      await deploymentRuns(graceSeconds);
    } catch (error) {
      log(`reconciler: ${(error as Error).message}; trying again on the next sweep`);
    }
  }

  const timer = setInterval(() => {
    if (stopped || running) return;
    running = sweep().finally(() => (running = null));
  }, options.intervalMs ?? 30_000);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
