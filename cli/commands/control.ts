import type { Command } from 'commander';
import { CancelRunDocument, PromoteDocument, RetryFailedActionsDocument, RollbackDocument } from '../client';
import { print } from './output';
import { pipelineRef, runName, runRef } from './refs';
import { settingsOf } from './settings';

export function registerControlCommands(program: Command): void {
  program
    .command('retry')
    .description('retry the failed actions of a failed run (the others are not repeated)')
    .argument('<run>', 'run id or PIPELINE#NUMBER')
    .action(async (runArg: string, _options: unknown, command: Command) => {
      const settings = settingsOf(command);
      const run = await runRef(settings.client, runArg);
      const { retryFailedActions: retried } = await settings.client.request(RetryFailedActionsDocument, {
        runId: run.id,
      });
      print(settings, retried, () => `${runName(retried)} retrying its failed actions (${retried.status})`);
    });

  program
    .command('cancel')
    .description('cancel a run: running commands are killed, what did not finish ends CANCELLED')
    .argument('<run>', 'run id or PIPELINE#NUMBER')
    .option('--reason <reason>', 'why, recorded with the run')
    .action(async (runArg: string, options: { reason?: string }, command: Command) => {
      const settings = settingsOf(command);
      const run = await runRef(settings.client, runArg);
      const { cancelRun: cancelled } = await settings.client.request(CancelRunDocument, {
        runId: run.id,
        reason: options.reason ?? null,
      });
      print(settings, cancelled, () => `${runName(cancelled)} ${cancelled.status}`);
    });

  program
    .command('promote')
    .description('start a run of PIPELINE carrying the revision, commits and artifacts of a successful run')
    .argument('<pipeline>', 'pipeline name or id')
    .requiredOption('--from <run>', 'the known-good run: id or PIPELINE#NUMBER')
    .action(async (pipelineArg: string, options: { from: string }, command: Command) => {
      const settings = settingsOf(command);
      const pipeline = await pipelineRef(settings.client, pipelineArg);
      const from = await runRef(settings.client, options.from);
      const { promote: started } = await settings.client.request(PromoteDocument, {
        pipelineId: pipeline.id,
        fromRunId: from.id,
      });
      print(settings, started, () => `${runName(started)} ${started.id} (promoted from ${runName(from)})`);
    });

  program
    .command('rollback')
    .description('re-deploy the revision of an earlier successful run of PIPELINE, marked as a rollback')
    .argument('<pipeline>', 'pipeline name or id')
    .requiredOption('--to <run>', 'the known-good run: id or PIPELINE#NUMBER')
    .action(async (pipelineArg: string, options: { to: string }, command: Command) => {
      const settings = settingsOf(command);
      const pipeline = await pipelineRef(settings.client, pipelineArg);
      const to = await runRef(settings.client, options.to);
      const { rollback: started } = await settings.client.request(RollbackDocument, {
        pipelineId: pipeline.id,
        toRunId: to.id,
      });
      print(settings, started, () => `${runName(started)} ${started.id} (rolling back to ${runName(to)})`);
    });
}
