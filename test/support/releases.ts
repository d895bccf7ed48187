import { expect } from 'vitest';
import type { Harness } from './fixtures';
import { command, ended, waitForRun } from './pipelines';

/** GraphQL documents and helpers shared by the releases tests (artifacts, live, promote, approval requests). */

export async function ok<T>(
  h: Pick<Harness, 'gql'>,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const res = await h.gql<T>(query, variables, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!;
}

let counter = 0;

/** A service with a staging and a production environment, all named uniquely for the file. */
export async function releaseCatalog(h: Harness, prefix: string) {
  const n = ++counter;
  const { createService: service } = await ok<{ createService: { id: string } }>(
    h,
    `mutation($i: ServiceInput!) { createService(input: $i) { id } }`,
    { i: { name: `${prefix}-${n}`, team: 'releases' } },
  );
  const environment = async (name: string, tier: string) =>
    (
      await ok<{ createEnvironment: { id: string } }>(
        h,
        `mutation($i: EnvironmentInput!) { createEnvironment(input: $i) { id } }`,
        { i: { name: `${prefix}-${n}-${name}`, tier } },
      )
    ).createEnvironment.id;
  return {
    serviceId: service.id,
    stagingId: await environment('staging', 'STAGING'),
    productionId: await environment('production', 'PRODUCTION'),
  };
}

/**
 * A build that appends a line to `file` (so a test counts how often it really ran) and publishes
 * `checkout-image`: version 1.4.<builds so far>, digest and uri from the revision.
 */
export const buildAction = (file: string, name = 'build-image') =>
  command(
    name,
    `echo built >> ${file}; n=$(wc -l < ${file} | tr -d ' '); ` +
      `printf '{"name":"checkout-image","version":"1.4.%s","digest":"sha256:%s","uri":"registry.test/checkout@sha256:%s"}\\n' ` +
      `"$n" "$LOCKSTEP_REVISION" "$LOCKSTEP_REVISION" >> "$LOCKSTEP_ARTIFACTS"; echo "VERSION=1.4.$n" >> "$LOCKSTEP_OUTPUT"`,
  );

/** A command that shows what it received: the artifact's variables and the manifest. */
export const showArtifacts = (name: string, runOrder = 1) =>
  command(
    name,
    'echo "received $LOCKSTEP_ARTIFACT_CHECKOUT_IMAGE_VERSION $LOCKSTEP_ARTIFACT_CHECKOUT_IMAGE_DIGEST $VERSION"; ' +
      'cat "$LOCKSTEP_ARTIFACTS_MANIFEST"',
    runOrder,
  );

/** A revision committed `minutes` after a fixed point, with a SHA of its own. */
export function revisionAt(minutes: number, sha?: string) {
  const at = new Date(Date.UTC(2026, 10, 20, 8, 0, 0) + minutes * 60_000);
  return {
    sha: sha ?? (0xabc0000 + minutes).toString(16).padEnd(12, '0'),
    committedAt: at.toISOString(),
    message: `change at +${minutes} min`,
    author: 'dev@example.com',
  };
}

export interface RevisionInputView {
  sha: string;
  committedAt: string;
  message?: string;
  author?: string;
}

export async function triggerRevision(
  h: Harness,
  pipelineId: string,
  revision: RevisionInputView,
  commits?: RevisionInputView[],
): Promise<string> {
  const data = await ok<{ triggerPipeline: { id: string } }>(
    h,
    `mutation($p: ID!, $r: RevisionInput!, $c: [CommitInput!]) { triggerPipeline(pipelineId: $p, revision: $r, commits: $c) { id } }`,
    { p: pipelineId, r: revision, c: commits ?? null },
  );
  return data.triggerPipeline.id;
}

export async function promote(h: Harness, pipelineId: string, fromRunId: string): Promise<string> {
  const data = await ok<{ promote: { id: string } }>(
    h,
    `mutation($p: ID!, $f: ID!) { promote(pipelineId: $p, fromRunId: $f) { id } }`,
    { p: pipelineId, f: fromRunId },
  );
  return data.promote.id;
}

export async function rollback(h: Harness, pipelineId: string, toRunId: string): Promise<string> {
  const data = await ok<{ rollback: { id: string } }>(
    h,
    `mutation($p: ID!, $t: ID!) { rollback(pipelineId: $p, toRunId: $t) { id } }`,
    { p: pipelineId, t: toRunId },
  );
  return data.rollback.id;
}

export const artifactFields = 'id name version digest uri pipelineRun { id } actionRun { id name }';

export interface ArtifactView {
  id: string;
  name: string;
  version: string;
  digest: string | null;
  uri: string | null;
  pipelineRun: { id: string } | null;
  actionRun: { id: string; name: string } | null;
}

const releaseRunQuery = `
  query($id: ID!) {
    pipelineRun(id: $id) {
      id number status failureReason isRollback
      promotedFrom { id }
      revision { sha committedAt }
      artifacts { ${artifactFields} }
      stages {
        name status
        deploymentRun { id status artifacts { name version digest } }
        actions {
          id name kind status skipReason outputs
          reusedFrom { id }
          artifacts { ${artifactFields} }
          logs { text }
          deploymentRun { id status artifacts { name version digest } logs { step text } }
        }
      }
    }
  }`;

export interface DeploymentRunArtifactsView {
  id: string;
  status: string;
  artifacts: Array<{ name: string; version: string; digest: string | null }>;
  logs?: Array<{ step: string; text: string }>;
}

export interface ReleaseActionView {
  id: string;
  name: string;
  kind: string;
  status: string;
  skipReason: string | null;
  outputs: Record<string, string> | null;
  reusedFrom: { id: string } | null;
  artifacts: ArtifactView[];
  logs: Array<{ text: string }>;
  deploymentRun: DeploymentRunArtifactsView | null;
}

export interface ReleaseRunView {
  id: string;
  number: number;
  status: string;
  failureReason: string | null;
  isRollback: boolean;
  promotedFrom: { id: string } | null;
  revision: { sha: string; committedAt: string };
  artifacts: ArtifactView[];
  stages: Array<{
    name: string;
    status: string;
    deploymentRun: DeploymentRunArtifactsView | null;
    actions: ReleaseActionView[];
  }>;
}

export async function releaseRun(h: Harness, id: string): Promise<ReleaseRunView> {
  return (await ok<{ pipelineRun: ReleaseRunView }>(h, releaseRunQuery, { id })).pipelineRun;
}

/** Waits for the run to end, then reads it with its release fields. */
export async function finishedRun(h: Harness, id: string): Promise<ReleaseRunView> {
  await waitForRun(h, id, ended, 60_000);
  return releaseRun(h, id);
}

export function actionIn(run: ReleaseRunView, stage: string, action: string): ReleaseActionView {
  const found = run.stages.find((s) => s.name === stage)?.actions.find((a) => a.name === action);
  if (!found) throw new Error(`no action ${stage}/${action} in run ${run.id}`);
  return found;
}

export interface LiveView {
  service: { id: string };
  environment: { id: string; name: string };
  deploymentRun: { id: string; pipelineRun: { id: string } | null };
  revision: { sha: string } | null;
  artifacts: Array<{ name: string; version: string; digest: string | null }>;
  since: string;
}

export async function live(h: Harness, serviceId: string, environmentId?: string): Promise<LiveView[]> {
  const data = await ok<{ live: LiveView[] }>(
    h,
    `query($s: ID, $e: ID) { live(serviceId: $s, environmentId: $e) {
       service { id } environment { id name } deploymentRun { id pipelineRun { id } } revision { sha }
       artifacts { name version digest } since } }`,
    { s: serviceId, e: environmentId ?? null },
  );
  return data.live;
}
