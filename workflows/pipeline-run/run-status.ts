import { upsertSearchAttributes } from '@temporalio/workflow';
import {
  runSearchAttributes,
  type EventRecord,
  type RunChange,
  type RunStateView,
  type RunStep,
  type StagePlan,
} from '../definitions';
import type { Projector } from './projector';
import type { RunState } from './run-state';

export interface StatusTarget {
  readonly state: RunState;
  readonly projector: Projector;
}

/**
 * Sets the run's status where the workflow reads it (the query's state, the search attribute) and returns
 * the change that writes it to PostgreSQL, for the caller to record with the rest of its step.
 */
export function runStatusChange(
  run: StatusTarget,
  next: RunStateView['status'],
  evt?: EventRecord,
  failureReason?: string | null,
): RunChange {
  run.state.status = next;
  upsertSearchAttributes([{ key: runSearchAttributes.status, value: next }]);
  return run.projector.runChange(next, { failureReason, event: evt });
}

/** Sets the run's status where it is read: the query's state, the search attribute and PostgreSQL. */
export async function setRunStatus(
  run: StatusTarget,
  next: RunStateView['status'],
  evt?: EventRecord,
  failureReason?: string | null,
): Promise<void> {
  await run.projector.record(runStatusChange(run, next, evt, failureReason));
}

/**
 * People the run waits for (approval gates, deployment plans), counted per stage. Statuses follow the
 * counts: a stage with a wait is WAITING, and so is the run while any stage waits. Writes go one at a
 * time and read the counts when they run, so concurrent waits always end in the right status.
 *
 * A wait that begins or ends with a `step` (the action's change and its event, since the
 * `events-after-state` patch) writes the stage's and the run's status in the same transaction, so the
 * event arrives only once the run shows it. Without one, the stage and then the run are written on their own.
 */
export class WaitStatus {
  private readonly waits = new Map<string, number>();
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly run: StatusTarget) {}

  begin(stage: StagePlan, step?: RunStep): Promise<void> {
    this.waits.set(stage.stageRunId, (this.waits.get(stage.stageRunId) ?? 0) + 1);
    return this.sync(stage, step);
  }

  end(stage: StagePlan, step?: RunStep): Promise<void> {
    this.waits.set(stage.stageRunId, (this.waits.get(stage.stageRunId) ?? 1) - 1);
    return this.sync(stage, step);
  }

  private sync(stage: StagePlan, step: RunStep | undefined): Promise<void> {
    const { projector } = this.run;
    const stageStatus = () => ((this.waits.get(stage.stageRunId) ?? 0) > 0 ? 'WAITING' : 'RUNNING');
    const runStatus = () => ([...this.waits.values()].some((n) => n > 0) ? 'WAITING' : 'RUNNING');
    this.writes = this.writes.then(async () => {
      if (step) {
        const changes = [...step.changes, projector.stageChange(stage.stageRunId, stageStatus())];
        const next = runStatus();
        if (this.run.state.status !== next) changes.push(runStatusChange(this.run, next));
        await projector.step({ ...step, changes });
        return;
      }
      await projector.stage(stage.stageRunId, stageStatus());
      const next = runStatus();
      if (this.run.state.status !== next) await setRunStatus(this.run, next);
    });
    return this.writes;
  }
}
