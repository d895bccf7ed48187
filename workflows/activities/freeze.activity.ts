import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { run } from '../../db/dora/statement';
import { activeFreezes, recordFreezeHold, releaseFreezeHold } from '../../db/freeze/freeze-windows.sql';
import type { FreezeRequest, FreezeState } from '../definitions';
import { replaceByNewest, signalSuperseded } from './lane.activity';

/**
 * Freeze windows as a run sees them at a stage boundary (docs/run-semantics.md, "Freeze windows"): read when
 * the run enters the stage, so a window created while it was elsewhere applies when it arrives.
 */
export function createFreezeActivities({
  dataSource,
  temporal,
}: {
  dataSource: DataSource;
  temporal: Client;
}) {
  /**
   * The windows that hold the run at this stage now, and those an ADMIN overrode for it. The hold is
   * recorded (`freeze_holds`: what the API overrides and signals) or, when nothing holds the run, removed,
   * in one transaction. A SUPERSEDED-mode run held here is replaced by the newest run waiting behind it.
   */
  async function readFreeze(request: FreezeRequest): Promise<FreezeState> {
    // Nearly always nothing is frozen: one read, and a hold left from a wait here is removed, no transaction.
    if ((await run(dataSource, activeFreezes, request)).length === 0) {
      await run(dataSource, releaseFreezeHold, request);
      return { holding: [], overridden: [], supersededBy: null };
    }
    let superseded: string[] = [];
    const state = await dataSource.transaction(async (manager): Promise<FreezeState> => {
      const windows = await run(manager, activeFreezes, request);
      const holding = windows
        .filter((w) => w.overriddenBy === null)
        .map((w) => ({ windowId: w.id, name: w.name, endsAt: w.endsAt.toISOString(), endsInMs: w.endsInMs }));
      const overridden = windows
        .filter((w) => w.overriddenBy !== null)
        .map((w) => ({ windowId: w.id, name: w.name, by: w.overriddenBy!, reason: w.overrideReason ?? '' }));
      if (holding.length === 0) {
        await run(manager, releaseFreezeHold, request);
        return { holding, overridden, supersededBy: null };
      }
      const windowIds = holding.map((w) => w.windowId);
      if (request.executionMode !== 'SUPERSEDED') {
        await run(manager, recordFreezeHold, { ...request, windowIds });
        return { holding, overridden, supersededBy: null };
      }
      // Under the lane's lock: a newer run either is waiting already (it replaces this one now), or claims
      // the lane later and finds the hold recorded (lane.activity.ts supersedes held runs).
      const replaced = await replaceByNewest(manager, request);
      await run(manager, recordFreezeHold, { ...request, windowIds });
      superseded = replaced.superseded;
      return { holding, overridden, supersededBy: replaced.supersededBy };
    });
    if (state.supersededBy) await signalSuperseded(temporal, superseded, state.supersededBy);
    return state;
  }

  return { readFreeze };
}
