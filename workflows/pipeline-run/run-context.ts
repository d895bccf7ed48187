import type { PipelineRunInput, StagePlan } from '../definitions';
import { Projector, type RunIds } from './projector';
import { RunState } from './run-state';
import { WaitStatus } from './run-status';

/** What every step of a pipeline run works with: its input, its state and where its changes go. */
export interface RunContext {
  readonly input: PipelineRunInput;
  readonly ids: RunIds;
  /** The plan's stages in the order they run. */
  readonly stages: readonly StagePlan[];
  /** Whether the run holds its pipeline's lane (QUEUED and SUPERSEDED modes). */
  readonly usesLane: boolean;
  readonly state: RunState;
  readonly projector: Projector;
  readonly waits: WaitStatus;
}

export function createRunContext(input: PipelineRunInput): RunContext {
  const ids = { runId: input.runId, pipelineId: input.pipelineId };
  const state = new RunState();
  for (const artifact of input.artifacts ?? []) state.artifacts.set(artifact.name, artifact);
  const projector = new Projector(ids);
  return {
    input,
    ids,
    stages: [...input.plan.stages].sort((a, b) => a.position - b.position),
    usesLane: input.executionMode !== 'PARALLEL',
    state,
    projector,
    waits: new WaitStatus({ state, projector }),
  };
}
