import { upsertSearchAttributes } from '@temporalio/workflow';
import { runSearchAttributes, type EventRecord, type RunStateView, type StagePlan } from '../definitions';
import type { Projector } from './projector';
import type { RunState } from './run-state';

export interface StatusTarget {
  readonly state: RunState;
  readonly projector: Projector;
}

/** Sets the run's status where it is read: the query's state, the search attribute and PostgreSQL. */
export async function setRunStatus(
  run: StatusTarget,
  next: RunStateView['status'],
  evt?: EventRecord,
  failureReason?: string | null,
): Promise<void> {
  run.state.status = next;
  upsertSearchAttributes([{ key: runSearchAttributes.status, value: next }]);
  await run.projector.run(next, { failureReason, event: evt });
}

/**
 * People the run waits for (approval gates, deployment plans), counted per stage. Statuses follow the
 * counts: a stage with a wait is WAITING, and so is the run while any stage waits. Writes go one at a
 * time and read the counts when they run, so concurrent waits always end in the right status.
 */
export class WaitStatus {
  private readonly waits = new Map<string, number>();
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly run: StatusTarget) {}

  begin(stage: StagePlan): Promise<void> {
    this.waits.set(stage.stageRunId, (this.waits.get(stage.stageRunId) ?? 0) + 1);
    return this.sync(stage);
  }

  end(stage: StagePlan): Promise<void> {
    this.waits.set(stage.stageRunId, (this.waits.get(stage.stageRunId) ?? 1) - 1);
    return this.sync(stage);
  }

  private sync(stage: StagePlan): Promise<void> {
    this.writes = this.writes.then(async () => {
      const stageWaiting = (this.waits.get(stage.stageRunId) ?? 0) > 0;
      await this.run.projector.stage(stage.stageRunId, stageWaiting ? 'WAITING' : 'RUNNING');
      const runStatus = [...this.waits.values()].some((n) => n > 0) ? 'WAITING' : 'RUNNING';
      if (this.run.state.status !== runStatus) await setRunStatus(this.run, runStatus);
    });
    return this.writes;
  }
}
