import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');

interface LockEntry {
  version?: string;
  optionalDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
}

/** The lock entry Node would resolve `name` to from the package at `from` (its own, then its parents'). */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (candidate in packages) return candidate;
    if (!base) return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent >= 0 ? base.slice(0, parent) : '';
  }
}

/**
 * `npm ci` refuses a lock that lacks any platform's optional package ("package.json and package-lock.json
 * are not in sync"), and npm writes only the current platform's unless the lock is regenerated whole
 * (`rm -rf node_modules && npm install --package-lock-only`).
 */
describe('package-lock.json', () => {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    lockfileVersion: number;
    packages: Record<string, LockEntry>;
  };

  it('holds every optional package of every platform, so `npm ci` accepts it anywhere', () => {
    const missing: string[] = [];
    for (const [location, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolveIn(lock.packages, location, name)) missing.push(`${location || '(root)'} -> ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('holds every direct dependency of the project', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const names = [...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)];
    expect(names.filter((name) => !(`node_modules/${name}` in lock.packages))).toEqual([]);
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(3);
  });
});
