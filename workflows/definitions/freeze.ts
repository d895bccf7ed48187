/** Freeze windows: what a run asks at a stage boundary, what it learns, and the signal that wakes it. */
import { defineSignal } from '@temporalio/workflow';
import type { LaneRequest } from './projection';

/** A run arriving at (or held at) a stage with an environment. */
export interface FreezeRequest extends LaneRequest {
  stageRunId: string;
  environmentId: string;
}

/** A window active over the stage's environment now. */
export interface ActiveFreeze {
  windowId: string;
  name: string;
  /** ISO time. */
  endsAt: string;
  /** Milliseconds until it ends, by the database's clock (the workflow's timer waits that long). */
  endsInMs: number;
}

/** A window an ADMIN let this run through (`overrideFreeze`), still active. */
export interface FreezeOverride {
  windowId: string;
  name: string;
  by: string;
  reason: string;
}

/** The boundary as freezes make it now: the windows that hold the run, and those overridden for it. */
export interface FreezeState {
  holding: ActiveFreeze[];
  overridden: FreezeOverride[];
  /** A SUPERSEDED-mode run held here is replaced by the newest run waiting for the lane behind it. */
  supersededBy: string | null;
}

/**
 * Something about the freezes holding a run changed (an override, a deleted window): the run re-reads them.
 * It carries no decision: the rows are the truth, the signal only hurries the news along.
 */
export const freezeChangedSignal = defineSignal('freezeChanged');
