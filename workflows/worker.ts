import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities';
import { activityLogIds } from './telemetry/activity-log-ids';
import {
  tracingActivityInterceptors,
  tracingSinks,
  workflowInterceptorModules,
  type WorkerTracing,
} from './telemetry/tracing';

export interface PipelineWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /**
   * A prebuilt workflow bundle (tests build it once, with `workflowInterceptorModules`); otherwise the
   * workflows are bundled at start.
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Where workflow and activity spans go; absent: they are dropped. */
  tracing?: WorkerTracing;
}

/** The workflow bundle's entry (TypeScript; Temporal's bundler compiles it). */
export const workflowsPath = path.join(__dirname, 'workflows.ts');

export { workflowInterceptorModules };

export function createPipelineWorker(options: PipelineWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: createActivities(options),
    interceptors: {
      ...(options.workflowBundle ? {} : { workflowModules: workflowInterceptorModules }),
      activity: options.tracing ? [tracingActivityInterceptors, activityLogIds] : [activityLogIds],
    },
    sinks: tracingSinks(options.tracing),
    shutdownGraceTime: '10 seconds',
  });
}

export { NativeConnection };
