import type { Command } from 'commander';
import {
  CancelRunDocument,
  PromoteDocument,
  RerunFromStageDocument,
  RetryFailedActionsDocument,
  RetryStageDocument,
  RollbackDocument,
  SkipFailedActionsDocument,
} from '../client';
import { CliError, exitCodes } from './errors';
import { print } from './output';
import { pipelineRef, runName, runRef } from './refs';
import { settingsOf } from './settings';

export function registerControlCommands(program: Command): void {
  program
    .command('retry')
    .description('retry the failed actions of a failed run (the others are not repeated), or its whole stage')
    .argument('<run>', 'run id or PIPELINE#NUMBER')
    .option('--stage', 'run every action of the failed stage again, not only the failed ones')
    .action(async (runArg: string, options: { stage?: boolean }, command: Command) => {
      const settings = settingsOf(command);
      const run = await runRef(settings.client, runArg);
      if (options.stage) {
        const { retryStage: retried } = await settings.client.request(RetryStageDocument, { runId: run.id });
        print(settings, retried, () => `${runName(retried)} retrying its failed stage (${retried.status})`);
        return;
      }
      const { retryFailedActions: retried } = await settings.client.request(RetryFailedActionsDocument, {
        runId: run.id,
      });
      print(settings, retried, () => `${runName(retried)} retrying its failed actions (${retried.status})`);
    });

  program
    .command('skip')
    .description('go on past the failed actions of a failed run: they end SKIPPED, the later stages run')
    .argument('<run>', 'run id or PIPELINE#NUMBER')
    .requiredOption('--reason <reason>', 'why, recorded with the run and in the audit trail')
    .action(async (runArg: string, options: { reason: string }, command: Command) => {
      const settings = settingsOf(command);
      const run = await runRef(settings.client, runArg);
      const { skipFailedActions: skipped } = await settings.client.request(SkipFailedActionsDocument, {
        runId: run.id,
        reason: options.reason,
      });
      print(settings, skipped, () => `${runName(skipped)} skipping its failed actions (${skipped.status})`);
    });

  program
    .command('rerun')
    .description('start a new run of a finished run from one of its stages, the earlier ones reused')
    .argument('<run>', 'run id or PIPELINE#NUMBER')
    .requiredOption('--from <stage>', 'the stage to run again from, by name')
    .option('--upstream', 'run the earlier stages again too instead of reusing them')
    .action(async (runArg: string, options: { from: string; upstream?: boolean }, command: Command) => {
      const settings = settingsOf(command);
      const run = await runRef(settings.client, runArg);
      const stage = run.stages.find((s) => s.name === options.from);
      if (!stage)
        throw new CliError(
          `${runName(run)} has no stage "${options.from}" (its stages: ${run.stages.map((s) => s.name).join(', ')})`,
          exitCodes.usage,
        );
      const { rerunFromStage: started } = await settings.client.request(RerunFromStageDocument, {
        runId: run.id,
        stageRunId: stage.id,
        rerunUpstream: options.upstream ?? false,
      });
      print(
        settings,
        started,
        () => `${runName(started)} ${started.id} (rerun of ${runName(run)} from ${stage.name})`,
      );
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
