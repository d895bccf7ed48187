import { condition, patched } from '@temporalio/workflow';
import type { ActiveFreeze, FreezeOverride, StagePlan } from '../definitions';
import { Superseded } from './lane';
import { bookkeeping } from './local-activities';
import { eventsAfterState } from './projector';
import type { RunContext } from './run-context';
import { runStatusChange, setRunStatus } from './run-status';

const { readFreeze } = bookkeeping;

/** The shortest wait for a window's end: a window ending within it is re-read once it has. */
const minimumWaitMs = 1000;

/**
 * Freeze windows (docs/run-semantics.md): a run entering a stage whose environment is frozen now waits
 * there BLOCKED (event FREEZE_HELD naming the windows). The windows are read on arrival, not taken from the
 * trigger. While held, the run sleeps on a durable timer until the last holding window ends, then reads
 * again (another window may cover it by then); a `freezeChanged` signal (an ADMIN's override, a deleted
 * window) wakes it to read at once. An override lets this run through the windows that held it, for the
 * rest of the run (FREEZE_OVERRIDDEN, with who and why). A SUPERSEDED-mode run held here ends when a newer
 * run replaces it; a cancel ends it as anywhere else. Stages without an environment are never frozen.
 */
export async function passFreeze(run: RunContext, stage: StagePlan): Promise<void> {
  const { environmentId } = stage;
  // Runs recorded before freeze windows existed replay without the check.
  if (!environmentId || !patched('freeze-windows')) return;
  const { state, projector } = run;
  const request = {
    ...run.ids,
    executionMode: run.input.executionMode,
    stageRunId: stage.stageRunId,
    environmentId,
  };
  state.freezeNews = false;
  let freeze = await readFreeze(request);
  if (freeze.holding.length === 0) return;
  const heldBy = new Set<string>();
  const announce = (windows: ActiveFreeze[]) => {
    for (const w of windows) heldBy.add(w.windowId);
    const event = projector.event('FREEZE_HELD', { stageName: stage.name, message: heldMessage(windows) });
    return projector.stageChange(stage.stageRunId, 'BLOCKED', { event });
  };
  state.blockedAtStageId = stage.stageId;
  const held = announce(freeze.holding);
  // The run shows WAITING when FREEZE_HELD arrives (one step); runs recorded before that wrote it after.
  if (eventsAfterState()) await projector.step({ changes: [held, runStatusChange(run, 'WAITING')] });
  else {
    await projector.record(held);
    await setRunStatus(run, 'WAITING');
  }
  while (freeze.holding.length > 0) {
    if (freeze.supersededBy) state.supersededBy ??= freeze.supersededBy;
    const untilAllEnd = Math.max(minimumWaitMs, ...freeze.holding.map((w) => w.endsInMs));
    await condition(() => state.freezeNews || state.supersededBy !== null, untilAllEnd);
    if (state.supersededBy) throw new Superseded(state.supersededBy);
    state.freezeNews = false;
    freeze = await readFreeze(request);
    const newcomers = freeze.holding.filter((w) => !heldBy.has(w.windowId));
    if (newcomers.length > 0) await projector.record(announce(newcomers));
  }
  const overrides = freeze.overridden.filter((o) => heldBy.has(o.windowId));
  const event =
    overrides.length > 0
      ? projector.event('FREEZE_OVERRIDDEN', { stageName: stage.name, message: overrideMessage(overrides) })
      : undefined;
  state.blockedAtStageId = null;
  await setRunStatus(run, 'RUNNING', event);
}

/** `frozen by "Holiday" until 2026-12-27T00:00:00.000Z` (several windows: joined by "; "). */
export function heldMessage(windows: ActiveFreeze[]): string {
  return windows.map((w) => `frozen by "${w.name}" until ${w.endsAt}`).join('; ');
}

/** `freeze "Holiday" overridden by alice: hotfix for INC-42` (several: joined by "; "). */
export function overrideMessage(overrides: FreezeOverride[]): string {
  return overrides.map((o) => `freeze "${o.name}" overridden by ${o.by}: ${o.reason}`).join('; ');
}
