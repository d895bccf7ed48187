import { ApplicationFailure } from '@temporalio/common';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import {
  artifactRules,
  publishArtifacts,
  type ArtifactFact,
  type ArtifactRef,
} from '../../db/releases/artifacts';
import { readCommandFile } from './output-policy';
import { retryTransient } from './transient';

/**
 * Artifacts between commands: a COMMAND publishes them by writing JSON lines to `$LOCKSTEP_ARTIFACTS`;
 * every later command (and Deployment plan and apply) of the run receives them as environment variables
 * and a manifest file. Like outputs, they travel through workflow history and the database, so they are
 * masked and bounded.
 */

/** The most a command may write to $LOCKSTEP_ARTIFACTS. */
const maxFileBytes = 64 * 1024;
const { maxLength } = artifactRules;

function invalid(message: string): ApplicationFailure {
  // The same type as an invalid output line: permanent, the workflow does not retry it.
  return ApplicationFailure.nonRetryable(`invalid artifact: ${message}`, 'InvalidOutput');
}

function text(line: number, field: string, value: unknown, max: number, required: boolean): string | null {
  if (value === undefined || value === null) {
    if (required) throw invalid(`line ${line}: "${field}" is required`);
    return null;
  }
  if (typeof value !== 'string' || value.trim() === '')
    throw invalid(`line ${line}: "${field}" must be a non-empty string`);
  if (value.length > max) throw invalid(`line ${line}: "${field}" is longer than ${max} characters`);
  return value;
}

/** Parses the JSON lines of $LOCKSTEP_ARTIFACTS: `{"name","version","digest","uri"}` each; a later name wins. */
export function parseArtifacts(content: string): ArtifactFact[] {
  const byName = new Map<string, ArtifactFact>();
  content.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw invalid(`line ${line} is not a JSON object`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw invalid(`line ${line} is not a JSON object`);
    const record = value as Record<string, unknown>;
    const unknownKey = Object.keys(record).find((k) => !['name', 'version', 'digest', 'uri'].includes(k));
    if (unknownKey) throw invalid(`line ${line}: unknown field "${unknownKey}"`);
    const name = text(line, 'name', record.name, maxLength.name, true)!;
    if (!artifactRules.name.test(name))
      throw invalid(`line ${line}: name "${name}" may hold only letters, digits, ".", "_" and "-"`);
    const digest = text(line, 'digest', record.digest, maxLength.digest, false);
    if (digest !== null && !artifactRules.digest.test(digest))
      throw invalid(`line ${line}: digest must look like "sha256:<hex>"`);
    byName.set(name, {
      name,
      version: text(line, 'version', record.version, maxLength.version, true)!,
      digest,
      uri: text(line, 'uri', record.uri, maxLength.uri, false),
    });
    if (byName.size > artifactRules.maxCount)
      throw invalid(`at most ${artifactRules.maxCount} artifacts per action`);
  });
  return [...byName.values()];
}

/**
 * Reads $LOCKSTEP_ARTIFACTS (absent: none) as safely as $LOCKSTEP_OUTPUT, refused unread over the limit.
 * The text is masked before it is parsed, like outputs: a secret reaches neither a name nor an error.
 */
export async function readArtifactsFile(
  file: string,
  mask: (text: string) => string = (text) => text,
): Promise<ArtifactFact[]> {
  return parseArtifacts(mask(await readCommandFile(file, '$LOCKSTEP_ARTIFACTS', maxFileBytes)));
}

/**
 * What a command published, masked (a secret value never reaches history or the database) and stored once
 * for the run: the stored artifacts, which the workflow hands to the actions after it.
 */
export async function publishCommandArtifacts(
  dataSource: DataSource,
  owner: { runId: string; actionRunId: string },
  file: string,
  mask: (text: string) => string,
): Promise<ArtifactRef[]> {
  const facts = (await readArtifactsFile(file, mask)).map((fact) => ({
    name: fact.name,
    version: mask(fact.version),
    digest: fact.digest === null ? null : mask(fact.digest),
    uri: fact.uri === null ? null : mask(fact.uri),
  }));
  if (facts.length === 0) return [];
  const result = await retryTransient(() =>
    dataSource.transaction((manager) => publishArtifacts(manager, owner, facts)),
  );
  if ('conflict' in result) throw invalid(result.conflict);
  return result.artifacts;
}

/** `checkout-image` -> `CHECKOUT_IMAGE`: the part of an artifact's environment variables after the prefix. */
export function artifactEnvName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * The environment a command receives for the artifacts the run carries: per artifact
 * `LOCKSTEP_ARTIFACT_<NAME>_VERSION`, `_DIGEST` and `_URI` (empty when unknown), and
 * `LOCKSTEP_ARTIFACTS_MANIFEST`, a JSON file in `dir` (a folder the command may read, not change) listing them all (`[{name, version, digest, uri}]`).
 */
export async function receivedArtifactsEnv(
  dir: string,
  artifacts: readonly ArtifactRef[] | undefined,
): Promise<Record<string, string>> {
  const list = (artifacts ?? []).map(({ name, version, digest, uri }) => ({ name, version, digest, uri }));
  const manifest = path.join(dir, 'artifacts-manifest.json');
  writeFileSync(manifest, JSON.stringify(list, null, 2), { mode: 0o644 }); // small and local, like the workspace
  const env: Record<string, string> = { LOCKSTEP_ARTIFACTS_MANIFEST: manifest };
  for (const artifact of list) {
    const prefix = `LOCKSTEP_ARTIFACT_${artifactEnvName(artifact.name)}`;
    env[`${prefix}_VERSION`] = artifact.version;
    env[`${prefix}_DIGEST`] = artifact.digest ?? '';
    env[`${prefix}_URI`] = artifact.uri ?? '';
  }
  return env;
}
