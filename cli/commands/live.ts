import type { Command } from 'commander';
import { LiveDocument } from '../client';
import { print, when } from './output';
import { settingsOf } from './settings';

export function registerLiveCommand(program: Command): void {
  program
    .command('live')
    .description('what runs where now: per service and environment, the latest successful deployment')
    .action(async (_options: unknown, command: Command) => {
      const settings = settingsOf(command);
      const { live } = await settings.client.request(LiveDocument, {});
      print(settings, live, () =>
        live.length === 0
          ? 'nothing is deployed yet'
          : live.map(
              (d) =>
                `${d.service.name}\t${d.environment.name}\t${d.revision?.sha.slice(0, 12) ?? '-'}\tsince ${when(d.since)}\t${d.deploymentRun.id}`,
            ),
      );
    });
}
