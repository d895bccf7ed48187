import { LockstepError } from '../client';

/** What `lockstep` exits with (cli/README.md). */
export const exitCodes = {
  ok: 0,
  /** The run did not succeed (`trigger --wait`), or the API refused the operation. */
  failed: 1,
  /** The command line or the file is wrong. */
  usage: 2,
  /** The API cannot be reached, or the token is not accepted. */
  unreachable: 3,
} as const;

/** An error the CLI reports as one line, with the exit code it stands for. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = exitCodes.failed,
  ) {
    super(message);
  }
}

/** One line and an exit code for anything a command throws; never a stack trace. */
export function reportable(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof LockstepError) {
    const exitCode =
      error.code === 'UNREACHABLE' || error.code === 'UNAUTHENTICATED'
        ? exitCodes.unreachable
        : exitCodes.failed;
    return { message: error.message, exitCode };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: message.split('\n')[0] ?? 'failed', exitCode: exitCodes.failed };
}
