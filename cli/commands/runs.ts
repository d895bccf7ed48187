import type { Command } from 'commander';
import { RunsDocument, TriggerPipelineDocument, type RunViewFragment } from '../client';
import { CliError, exitCodes } from './errors';
import { followRun } from './follow';
import { line, print, when } from './output';
import { pipelineRef, runName, runRef } from './refs';
import { settingsOf } from './settings';

function describeRun(run: RunViewFragment): string[] {
  const lines = [
    `${runName(run)} ${run.status}${run.failureReason ? `: ${run.failureReason}` : ''}`,
    `  id        ${run.id}`,
    `  revision  ${run.revision.sha}${run.revision.message ? ` ${run.revision.message.split('\n')[0]}` : ''}`,
    `  by        ${run.triggeredBy.name}, ${when(run.createdAt)}`,
  ];
  for (const stage of run.stages) {
    lines.push(`  ${stage.name} ${stage.status}`);
    for (const action of stage.actions) lines.push(`    ${action.name} (${action.kind}) ${action.status}`);
  }
  return lines;
}

export function registerRunCommands(program: Command): void {
  program
    .command('trigger')
    .description('start a run of PIPELINE (a name or an id) for a revision')
    .argument('<pipeline>', 'pipeline name or id')
    .requiredOption('--sha <sha>', 'the commit SHA to deliver')
    .option('--message <message>', 'the commit message')
    .option('--author <author>', 'the commit author')
    .option('--committed-at <time>', 'when the commit was authored (ISO-8601; default: now)')
    .option(
      '--wait',
      'follow the run and exit 0 only when it succeeds (1 when it fails, is cancelled or superseded)',
    )
    .action(
      async (
        pipelineArg: string,
        options: Record<string, string | boolean | undefined>,
        command: Command,
      ) => {
        const settings = settingsOf(command);
        const committedAt =
          typeof options.committedAt === 'string' ? new Date(options.committedAt) : new Date();
        if (Number.isNaN(committedAt.getTime()))
          throw new CliError(
            `--committed-at must be an ISO-8601 time, not "${String(options.committedAt)}"`,
            exitCodes.usage,
          );
        const pipeline = await pipelineRef(settings.client, pipelineArg);
        const { triggerPipeline: started } = await settings.client.request(TriggerPipelineDocument, {
          pipelineId: pipeline.id,
          revision: {
            sha: String(options.sha),
            committedAt: committedAt.toISOString(),
            message: typeof options.message === 'string' ? options.message : null,
            author: typeof options.author === 'string' ? options.author : null,
          },
        });
        if (!options.wait) {
          print(settings, started, () => `${runName(started)} ${started.id}`);
          return;
        }
        if (!settings.json) line(`${runName(started)} ${started.id}`);
        const ended = await followRun(settings.client, started.id, settings.json ? () => undefined : line);
        if (settings.json) print(settings, ended, () => []);
        if (ended.status !== 'SUCCEEDED') process.exitCode = exitCodes.failed;
      },
    );

  program
    .command('status')
    .description('show a run: its status, revision, stages and actions')
    .argument('<run>', 'run id or PIPELINE#NUMBER')
    .action(async (runArg: string, _options: unknown, command: Command) => {
      const settings = settingsOf(command);
      const run = await runRef(settings.client, runArg);
      print(settings, run, () => describeRun(run));
    });

  program
    .command('runs')
    .description("list a pipeline's runs, newest first")
    .argument('<pipeline>', 'pipeline name or id')
    .option('--first <n>', 'how many (default 20)', '20')
    .action(async (pipelineArg: string, options: { first: string }, command: Command) => {
      const settings = settingsOf(command);
      const first = Number(options.first);
      if (!Number.isInteger(first) || first < 1)
        throw new CliError('--first must be a positive integer', exitCodes.usage);
      const pipeline = await pipelineRef(settings.client, pipelineArg);
      const { pipelineRuns } = await settings.client.request(RunsDocument, {
        pipelineId: pipeline.id,
        first,
      });
      const runs = pipelineRuns.edges.map((edge) => edge.node);
      print(settings, runs, () =>
        runs.length === 0
          ? `${pipeline.name} has no runs`
          : runs.map(
              (run) =>
                `#${run.number}\t${run.status}\t${run.revision.sha.slice(0, 12)}\t${when(run.createdAt)}\t${run.triggeredBy.name}\t${run.id}`,
            ),
      );
    });
}
