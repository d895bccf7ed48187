import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { createClient, type LockstepClient } from '../client';
import { CliError, exitCodes } from './errors';

export interface Settings {
  api: string;
  json: boolean;
  client: LockstepClient;
}

interface GlobalOptions {
  api?: string;
  token?: string;
  json?: boolean;
}

/** `npm start` writes the admin token here (LOCKSTEP_DATA_DIR, default .data): a local checkout needs nothing set. */
function localToken(): string | undefined {
  const dataDir = process.env.LOCKSTEP_DATA_DIR?.trim() || '.data';
  try {
    return readFileSync(path.resolve(dataDir, 'admin-token'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The API and token: options first, then LOCKSTEP_API_URL and LOCKSTEP_TOKEN, then the local defaults. */
export function settingsOf(command: Command): Settings {
  const options = command.optsWithGlobals<GlobalOptions>();
  const api = options.api ?? process.env.LOCKSTEP_API_URL ?? 'http://localhost:4000/graphql';
  if (!/^https?:\/\/\S+$/.test(api))
    throw new CliError(`--api / LOCKSTEP_API_URL must be an http(s) URL, not "${api}"`, exitCodes.usage);
  const token = options.token ?? process.env.LOCKSTEP_TOKEN ?? localToken();
  if (!token)
    throw new CliError(
      'no API token: set LOCKSTEP_TOKEN or pass --token (npm start writes one to .data/admin-token)',
      exitCodes.usage,
    );
  return { api, json: options.json === true, client: createClient({ url: api, token }) };
}
