import type { Command } from 'commander';
import {
  LogLinesDocument,
  RunLogsDocument,
  RunUpdatesDocument,
  type LockstepClient,
  type Subscription,
} from '../client';
import { CliError } from './errors';
import { finishedStatuses } from './follow';
import { line } from './output';
import { runRef } from './refs';
import { settingsOf } from './settings';

interface Printed {
  label: string;
  lastSeq: number;
}

type Emit = (label: string, entry: { seq: number; at: string; stream: string; text: string }) => void;

// Every action of the run pages at once: 500 lines each keeps the request under the API's cost ceiling
// (stages x actions x lines, docs/security.md "Query cost") for a run of up to 100 actions.
const pageSize = 500;

/** Prints every action's lines after those already printed, page by page. */
async function catchUp(client: LockstepClient, runId: string, printed: Map<string, Printed>, emit: Emit) {
  // One afterSeq serves every action: start below the least printed, then page on from the least of those
  // whose page was full.
  let afterSeq = printed.size === 0 ? 0 : Math.min(...[...printed.values()].map((p) => p.lastSeq));
  for (;;) {
    const { pipelineRun } = await client.request(RunLogsDocument, { id: runId, afterSeq, limit: pageSize });
    if (!pipelineRun) throw new CliError(`no run has the id "${runId}"`);
    const full: number[] = [];
    for (const stage of pipelineRun.stages)
      for (const action of stage.actions) {
        const state = printed.get(action.id) ?? { label: `${stage.name}/${action.name}`, lastSeq: 0 };
        printed.set(action.id, state);
        for (const entry of action.logs) {
          if (entry.seq <= state.lastSeq) continue;
          emit(state.label, entry);
          state.lastSeq = entry.seq;
        }
        if (action.logs.length === pageSize) full.push(state.lastSeq);
      }
    if (full.length === 0) return pipelineRun.status;
    afterSeq = Math.min(...full);
  }
}

/**
 * `--follow`: the run's updates say which actions have started; each started action's new lines stream
 * through `actionLogs` (which replays what came after the last printed line first). When the run ends,
 * whatever is left is read once more and the command exits.
 */
async function follow(client: LockstepClient, runId: string, printed: Map<string, Printed>, emit: Emit) {
  const streams = new Map<string, Subscription<unknown>>();
  const pumps: Array<Promise<void>> = [];
  const updates = client.subscribe(RunUpdatesDocument, { runId });
  try {
    for await (const { pipelineRunUpdated: run } of updates) {
      for (const stage of run.stages)
        for (const action of stage.actions) {
          if (action.status === 'PENDING' || streams.has(action.id)) continue;
          const state = printed.get(action.id) ?? { label: `${stage.name}/${action.name}`, lastSeq: 0 };
          printed.set(action.id, state);
          const lines = client.subscribe(LogLinesDocument, {
            actionRunId: action.id,
            afterSeq: state.lastSeq,
          });
          streams.set(action.id, lines);
          pumps.push(
            (async () => {
              for await (const { actionLogs: entry } of lines) {
                if (entry.seq <= state.lastSeq) continue;
                emit(state.label, entry);
                state.lastSeq = entry.seq;
              }
            })(),
          );
        }
      if (finishedStatuses.has(run.status)) break;
    }
  } finally {
    updates.close();
    for (const lines of streams.values()) lines.close();
    await Promise.allSettled(pumps);
  }
  await catchUp(client, runId, printed, emit);
}

export function registerLogCommands(program: Command): void {
  program
    .command('logs')
    .description("print a run's log lines, each with its stage/action")
    .argument('<run>', 'run id or PIPELINE#NUMBER')
    .option('-f, --follow', 'stream new lines until the run ends')
    .action(async (runArg: string, options: { follow?: boolean }, command: Command) => {
      const settings = settingsOf(command);
      const run = await runRef(settings.client, runArg);
      const emit: Emit = settings.json
        ? (label, entry) => line(JSON.stringify({ action: label, ...entry }))
        : (label, entry) => line(`${label} | ${entry.text}`);
      const printed = new Map<string, Printed>();
      const status = await catchUp(settings.client, run.id, printed, emit);
      if (options.follow && !finishedStatuses.has(status))
        await follow(settings.client, run.id, printed, emit);
    });
}
