/**
 * What the benchmark has to undo, undone in reverse order of setting up. Every step runs even when an
 * earlier one fails; the failures are collected so the process can still exit non-zero with them.
 */
export class Teardown {
  private readonly steps: Array<{ what: string; undo: () => Promise<void> }> = [];
  private done: Promise<string[]> | undefined;

  add(what: string, undo: () => Promise<void>): void {
    this.steps.push({ what, undo });
  }

  /** Runs once, however many times it is called; resolves to the steps that failed, with their error. */
  run(): Promise<string[]> {
    this.done ??= (async () => {
      const failures: string[] = [];
      for (const { what, undo } of this.steps.reverse()) {
        try {
          await undo();
        } catch (error) {
          failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return failures;
    })();
    return this.done;
  }
}
