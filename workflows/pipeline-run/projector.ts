import { patched } from '@temporalio/workflow';
import type { EventRecord, RunChange, RunStep } from '../definitions';
import { now } from '../workflow-kit';
import { bookkeeping } from './local-activities';

const { recordRunChange, recordRunChanges, recordRunStep } = bookkeeping;

/**
 * Whether this run writes a change together with every change it implies and its event, in one step
 * (docs/run-semantics.md, "Events and state"). Runs recorded before the patch (test/histories/) wrote them
 * one local activity at a time and replay that way.
 */
export function eventsAfterState(): boolean {
  return patched('events-after-state');
}

/**
 * Whether this run folds its bookkeeping (since the `engine-fold-bookkeeping` patch): its start, each
 * boundary read and the stage's start in one local activity (`enterStage`), and its last stage's success with
 * its own in one step. Runs recorded before the patch wrote each on its own and replay that way.
 */
export function foldsBookkeeping(): boolean {
  return patched('engine-fold-bookkeeping');
}

export interface RunIds {
  runId: string;
  pipelineId: string;
}

type Target = RunChange['target'];
type Change<T extends Target> = Extract<RunChange, { target: T }>;
type Status<T extends Target> = Change<T>['status'];
/** What a change may carry besides its subject and status; `at` defaults to now. */
type Details<T extends Target> = Partial<
  Omit<Change<T>, 'target' | keyof RunIds | 'stageRunId' | 'actionRunId' | 'status'>
>;

/**
 * Builds the run's state changes and the events they raise, and records them in PostgreSQL (local
 * activities). Event keys count up per run (`wf:1`, `wf:2`, …), so a replay or a retried write produces the
 * same key and the event is written once.
 */
export class Projector {
  private eventCount = 0;

  constructor(private readonly ids: RunIds) {}

  event(type: EventRecord['type'], details: Partial<EventRecord> = {}): EventRecord {
    return {
      key: `wf:${++this.eventCount}`,
      type,
      stageName: null,
      actionName: null,
      message: null,
      at: now(),
      ...details,
    };
  }

  /**
   * Takes back the last event built, never recorded, so the next one gets its key: a stage's start folded
   * into a boundary read that did not let the run through (`passTransition`).
   */
  withdraw(event: EventRecord): void {
    if (event.key !== `wf:${this.eventCount}`)
      throw new Error(`event ${event.key} is not the last one built`);
    this.eventCount -= 1;
  }

  runChange(status: Status<'run'>, details: Details<'run'> = {}): Change<'run'> {
    return { target: 'run', ...this.ids, status, at: now(), ...details };
  }

  stageChange(stageRunId: string, status: Status<'stage'>, details: Details<'stage'> = {}): Change<'stage'> {
    return { target: 'stage', ...this.ids, stageRunId, status, at: now(), ...details };
  }

  actionChange(
    actionRunId: string,
    status: Status<'action'>,
    details: Details<'action'> = {},
  ): Change<'action'> {
    return { target: 'action', ...this.ids, actionRunId, status, at: now(), ...details };
  }

  // The recording methods hand back the activity's promise itself (no async wrapper), so the run's
  // concurrent steps interleave exactly as they did when they called the activity directly (replay).
  run(status: Status<'run'>, details?: Details<'run'>): Promise<void> {
    return recordRunChange(this.runChange(status, details));
  }

  stage(stageRunId: string, status: Status<'stage'>, details?: Details<'stage'>): Promise<void> {
    return recordRunChange(this.stageChange(stageRunId, status, details));
  }

  action(actionRunId: string, status: Status<'action'>, details?: Details<'action'>): Promise<void> {
    return recordRunChange(this.actionChange(actionRunId, status, details));
  }

  /** Records a change built beforehand. */
  record(change: RunChange): Promise<void> {
    return recordRunChange(change);
  }

  /** Records several changes in one transaction. */
  all(changes: RunChange[]): Promise<void> {
    return recordRunChanges(changes);
  }

  /** Records one step whole (approvals, changes, their events) in one transaction: see `RunStep`. */
  step(step: RunStep): Promise<void> {
    return recordRunStep(step);
  }
}
