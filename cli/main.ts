// The `lockstep` command: scripts and people drive Lockstep's API from a terminal or a CI job.
import { Command, CommanderError } from 'commander';
import { registerApplyCommand } from './commands/apply';
import { registerControlCommands } from './commands/control';
import { registerDecisionCommands } from './commands/decide';
import { exitCodes, reportable } from './commands/errors';
import { registerImportCommand } from './commands/import';
import { registerLiveCommand } from './commands/live';
import { registerLogCommands } from './commands/logs';
import { registerRunCommands } from './commands/runs';

export function lockstepProgram(): Command {
  const program = new Command('lockstep')
    .description("Lockstep's command line: pipelines as code, runs, approvals (cli/README.md)")
    .option('--api <url>', 'the GraphQL endpoint (LOCKSTEP_API_URL; default http://localhost:4000/graphql)')
    .option('--token <token>', 'an API token (LOCKSTEP_TOKEN; default: the one npm start wrote to .data/)')
    .option('--json', 'print machine-readable JSON')
    .exitOverride();
  registerApplyCommand(program);
  registerRunCommands(program);
  registerLogCommands(program);
  registerDecisionCommands(program);
  registerControlCommands(program);
  registerLiveCommand(program);
  registerImportCommand(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await lockstepProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed the message (or the help) already.
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    const { message, exitCode } = reportable(error);
    process.stderr.write(`lockstep: ${message.split('\n').join('\nlockstep: ')}\n`);
    return exitCode;
  }
}

// Exits once stdout is flushed, and at once even if a socket would keep the process alive.
main(process.argv).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  () => process.exit(exitCodes.failed),
);
