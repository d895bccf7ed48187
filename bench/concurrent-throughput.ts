import { performance } from 'node:perf_hooks';
import type { AuthenticatedPrincipal } from '../server/auth/principal';
import type { BenchEnvironment } from './environment';
import { sequentialCommandPipeline, timeBareRun, timeOurRun } from './runs';

export interface Throughput {
  runs: number;
  /** Wall time of each round, from the first start request to the last result. */
  oursMs: number[];
  /** Bare workflows of no-op activities (the old baseline). */
  bareMs: number[];
  /** Bare workflows whose activities each spawn `true`, as our COMMAND actions do (the fair baseline). */
  bareCommandMs: number[];
}

/** Starts `runs` runs at once and waits for all of them; returns the wall time. */
async function burst(runs: number, start: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: runs }, start));
  return performance.now() - started;
}

/**
 * Throughput of `runs` concurrent runs of a pipeline of `actions` sequential no-op COMMAND actions (execution
 * mode PARALLEL, so the pipeline's lane does not serialize them), against as many concurrent bare workflows
 * of `actions` no-op activities, and of `actions` activities that each spawn `true`. Rounds alternate
 * bare/bare command/ours, after `warmupRounds` of each that are not counted.
 */
export async function measureConcurrentThroughput(
  env: BenchEnvironment,
  principal: AuthenticatedPrincipal,
  options: { runs: number; actions: number; rounds: number; warmupRounds: number },
): Promise<Throughput> {
  const pipeline = await env.pipelines.create(
    sequentialCommandPipeline(`bench-concurrent-${options.actions}`, options.actions, 'PARALLEL'),
  );
  const result: Throughput = { runs: options.runs, oursMs: [], bareMs: [], bareCommandMs: [] };
  // Warm-up rounds, not counted: the first burst of each kind pays for JIT compilation, the worker's
  // workflow bundle and pools filling up, far more for ours (the product's code) than for the bare ones.
  for (let round = 0; round < options.warmupRounds; round++) {
    await burst(options.runs, () => timeBareRun(env, options.actions));
    await burst(options.runs, () => timeBareRun(env, options.actions, 'bareCommandWorkflow'));
    await burst(options.runs, () => timeOurRun(env, pipeline.id, principal));
  }
  for (let round = 0; round < options.rounds; round++) {
    result.bareMs.push(await burst(options.runs, () => timeBareRun(env, options.actions)));
    result.bareCommandMs.push(
      await burst(options.runs, () => timeBareRun(env, options.actions, 'bareCommandWorkflow')),
    );
    result.oursMs.push(await burst(options.runs, () => timeOurRun(env, pipeline.id, principal)));
  }
  return result;
}

/** Runs per second over all rounds: total runs over total wall time. */
export function runsPerSecond(runs: number, roundsMs: number[]): number {
  const totalMs = roundsMs.reduce((sum, value) => sum + value, 0);
  return (runs * roundsMs.length) / (totalMs / 1000);
}
