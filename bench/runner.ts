import { runMain, shutdownSignal } from '../main/process';
import { Teardown } from './teardown';

/** Progress goes to stderr, so stdout holds only the report. */
export const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

/**
 * The shape of every benchmark: measure (registering what to clean up), always clean up, then print the
 * report; Ctrl-C interrupts the measurement but not the cleanup. Exits 0, or 1 with one line.
 */
export function runBench<R>(
  measure: (teardown: Teardown) => Promise<R>,
  report: (results: R) => string,
): void {
  runMain('bench', async () => {
    const teardown = new Teardown();
    let results: R | undefined;
    let failure: Error | undefined;
    const measuring = measure(teardown);
    measuring.catch(() => undefined); // raced below; an interrupt leaves it running into the teardown
    try {
      const interrupted = shutdownSignal().then((signal): never => {
        throw new Error(`interrupted by ${signal}`);
      });
      results = await Promise.race([measuring, interrupted]);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    const problems = await teardown.run();
    if (failure !== undefined) {
      if (problems.length > 0) progress(`cleanup also failed: ${problems.join('; ')}`);
      throw failure;
    }
    if (problems.length > 0) throw new Error(`cleanup failed: ${problems.join('; ')}`);
    if (results === undefined) throw new Error('the benchmark produced no results');
    process.stdout.write(report(results));
    process.exit(0); // every handle was closed; exit even if a library keeps a timer around
  });
}
