import type { AuthenticatedPrincipal } from '../server/auth/principal';
import type { BenchEnvironment } from './environment';
import {
  profileRun,
  sequentialCommandPipeline,
  timeBareRun,
  timeOurRun,
  type RunProfile,
  type TimedRun,
} from './runs';

export interface SequentialLatency {
  actions: number;
  ours: number[];
  bare: number[];
  /** Where the time of the median run of each went, from its Temporal history. */
  profile: { ours: RunProfile; bare: RunProfile };
}

/** The workflow id of the run with the median latency. */
function median(runs: TimedRun[]): string {
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  return sorted[Math.floor((sorted.length - 1) / 2)]!.workflowId;
}

/**
 * End-to-end latency of a pipeline of `actions` no-op COMMAND actions run one after another, against a bare
 * workflow of as many no-op activities. Runs alternate bare/ours so machine noise hits both alike.
 */
export async function measureSequentialLatency(
  env: BenchEnvironment,
  principal: AuthenticatedPrincipal,
  options: { actions: number; warmup: number; samples: number },
): Promise<SequentialLatency> {
  const pipeline = await env.pipelines.create(
    sequentialCommandPipeline(`bench-sequential-${options.actions}`, options.actions, undefined),
  );
  const ours: TimedRun[] = [];
  const bare: TimedRun[] = [];
  for (let i = 0; i < options.warmup + options.samples; i++) {
    const a = await timeBareRun(env, options.actions);
    const b = await timeOurRun(env, pipeline.id, principal);
    if (i < options.warmup) continue;
    bare.push(a);
    ours.push(b);
  }
  return {
    actions: options.actions,
    ours: ours.map((run) => run.ms),
    bare: bare.map((run) => run.ms),
    profile: { ours: await profileRun(env, median(ours)), bare: await profileRun(env, median(bare)) },
  };
}
