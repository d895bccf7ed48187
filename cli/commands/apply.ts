import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { CliError, exitCodes } from './errors';
import { print } from './output';
import { settingsOf } from './settings';

export function registerApplyCommand(program: Command): void {
  program
    .command('apply')
    .description(
      'create or update the services, environments, Deployments and pipelines of a YAML file, matched by name',
    )
    .requiredOption('-f, --file <file>', 'the pipelines-as-code file (cli/lockstep.schema.json)')
    .option('--dry-run', 'check the file and print what would change, changing nothing')
    .action(async (options: { file: string; dryRun?: boolean }, command: Command) => {
      const settings = settingsOf(command);
      const text = await readFile(options.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new CliError(`cannot read ${options.file}: ${error.code ?? error.message}`, exitCodes.usage);
      });
      // YAML and the JSON Schema validator load only for this command.
      const [{ loadFile }, { applyFile }] = await Promise.all([
        import('../apply/document'),
        import('../apply/apply'),
      ]);
      const dryRun = options.dryRun === true;
      const results = await applyFile(settings.client, loadFile(options.file, text), dryRun);
      print(settings, { dryRun, objects: results }, () =>
        results.map(
          (r) => `${r.kind} ${r.name}: ${r.change}${dryRun && r.change !== 'unchanged' ? ' (dry run)' : ''}`,
        ),
      );
    });
}
