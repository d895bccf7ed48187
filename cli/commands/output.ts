import type { Settings } from './settings';

/** Prints the machine-readable value under --json, the human lines otherwise. */
export function print(settings: Pick<Settings, 'json'>, json: unknown, human: () => string | string[]): void {
  if (settings.json) {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  const lines = human();
  process.stdout.write(`${(Array.isArray(lines) ? lines : [lines]).join('\n')}\n`);
}

export const line = (text: string) => process.stdout.write(`${text}\n`);

/** `2026-11-20T10:00:00.000Z` as `2026-11-20 10:00:00Z`. */
export const when = (iso: string | null) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');
