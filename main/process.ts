import { SecretKeyError } from '../db/secret-box';
import { ConfigError } from './config';

/**
 * The one entry-point shape for every process: run `main`, and on failure print one line (no stack trace
 * for configuration errors) and exit 1.
 */
export function runMain(component: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError || error instanceof SecretKeyError) {
      process.stderr.write(`lockstep ${component}: ${error.message}\n`);
    } else {
      process.stderr.write(
        `lockstep ${component}: fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exit(1);
  });
}

/** Retries `attempt` until it succeeds or `timeoutMs` passes: services started together come up in any order. */
export async function retryUntil<T>(what: string, attempt: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 200;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() + delay > deadline) {
        throw new Error(
          `could not reach ${what} within ${Math.round(timeoutMs / 1000)} s: ${(error as Error).message}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 2000);
    }
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
export function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
