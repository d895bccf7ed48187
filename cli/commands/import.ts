import type { Command } from 'commander';
import { access } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { VacuumDoraFactsDocument } from '../client';
import { HistoryLineError, readHistory } from '../import/ndjson';
import { BatchRefused, batches, sendBatches } from '../import/send';
import { CliError, exitCodes } from './errors';
import { print } from './output';
import { settingsOf } from './settings';

interface ImportOptions {
  file: string;
  concurrency: string;
  /** commander's reading of --no-vacuum. */
  vacuum: boolean;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'import deployment history from an NDJSON file (one ExternalDeploymentInput per line), 1,000 per call',
    )
    .requiredOption('-f, --file <file>', 'the history: one JSON deployment per line (docs/cli.md)')
    .option('--concurrency <n>', 'calls in flight at once', '4')
    .option('--no-vacuum', "leave the DORA tables to PostgreSQL's autovacuum instead of vacuumDoraFacts")
    .action(async (options: ImportOptions, command: Command) => {
      const settings = settingsOf(command);
      const file = options.file;
      const concurrency = Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32)
        throw new CliError('--concurrency must be a whole number from 1 to 32', exitCodes.usage);
      await access(file).catch((error: NodeJS.ErrnoException) => {
        throw new CliError(`cannot read ${file}: ${error.code ?? error.message}`, exitCodes.usage);
      });
      const started = performance.now();
      const say = (text: string) => {
        if (!settings.json) process.stderr.write(`${text}\n`);
      };

      // The whole file is checked before anything is sent: a mistake on the last line stores nothing.
      let total = 0;
      try {
        for await (const _line of readHistory(file)) total++;
      } catch (error) {
        if (error instanceof HistoryLineError)
          throw new CliError(`${file}:${error.line}: ${error.message}`, exitCodes.usage);
        throw error;
      }
      say(`${file}: ${total} deployments checked; importing`);

      let reported = 0;
      let imported = 0;
      const result = await sendBatches(settings.client, batches(readHistory(file)), concurrency, (p) => {
        imported = p.sent;
        const now = performance.now();
        if (now - reported < 1000 && p.sent < total) return;
        reported = now;
        say(`imported ${p.sent}/${total} (${rate(p.sent, now - started)}/s)`);
      }).catch((error: unknown) => {
        // Calls are all or none, so what was imported is whole batches; importing again is safe (a
        // deployment reported again changes nothing).
        if (error instanceof BatchRefused)
          throw new CliError(
            `${file}:${error.line}: ${error.message} (${imported} deployments were imported by other calls; importing the file again is safe)`,
            exitCodes.failed,
          );
        throw error;
      });

      const seconds = (performance.now() - started) / 1000;
      // The metrics read the new history at full speed at once, not once autovacuum has come by. The
      // import is whole whatever happens here: a failure is only a warning.
      let vacuumSeconds: number | null = null;
      if (options.vacuum && result.recorded > 0) {
        say('vacuuming and analyzing the DORA tables');
        try {
          ({ vacuumDoraFacts: vacuumSeconds } = await settings.client.request(VacuumDoraFactsDocument, {}));
        } catch (error) {
          process.stderr.write(
            `lockstep: warning: the import is complete, but vacuumDoraFacts failed (autovacuum will catch up): ${error instanceof Error ? error.message : String(error)}\n`,
          );
        }
      }

      print(
        settings,
        {
          file,
          deployments: result.sent,
          recorded: result.recorded,
          seconds,
          perSecond: result.sent / seconds,
          vacuumSeconds,
        },
        () =>
          `imported ${result.sent} deployments in ${seconds.toFixed(1)} s (${rate(result.sent, seconds * 1000)}/s; ` +
          `${result.recorded} new or moved forward, ${result.sent - result.recorded} already known` +
          `${vacuumSeconds === null ? '' : `; DORA tables vacuumed in ${vacuumSeconds.toFixed(1)} s`})`,
      );
    });
}

const rate = (n: number, ms: number) => (ms > 0 ? Math.round((n * 1000) / ms) : n);
