import { createHmac, randomUUID } from 'node:crypto';
import { testWebhookSecret, type Harness } from './fixtures';
import { command, createPipeline } from './pipelines';

/** GitHub's `X-Hub-Signature-256` of a body. */
export const signGithub = (body: string, secret = testWebhookSecret) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** POSTs a GitHub `push` event to the harness's /webhooks/events, signed with `secret` (the API's by default). */
export async function push(
  h: Harness,
  event: Record<string, unknown>,
  delivery = randomUUID(),
  headers: Record<string, string> = { 'x-hub-signature-256': signGithub(JSON.stringify(event)) },
) {
  const response = await fetch(h.apiUrl.replace(/\/graphql$/, '/webhooks/events'), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': delivery,
      ...headers,
    },
    body: JSON.stringify(event),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A commit of a push payload: `id` is the SHA, `timestamp` the author date. */
export const pushCommit = (sha: string, timestamp: string, message: string) => ({
  id: sha,
  timestamp,
  message,
  author: { name: 'Dev', email: 'dev@example.com' },
});

/** GitHub's push payload, as far as Lockstep reads it. */
export function pushEvent(
  repository: string,
  ref: string,
  commits = [pushCommit('c0ffee01', '2026-11-20T09:00:00+01:00', 'one')],
) {
  return {
    ref,
    deleted: false,
    repository: { full_name: repository, name: repository.split('/')[1] },
    head_commit: commits.at(-1) ?? null,
    commits,
  };
}

let n = 0;
/** A one-action pipeline following `repository` `branch` (no source when `repository` is null). */
export function sourcedPipeline(h: Harness, repository: string | null, branch = 'main') {
  return createPipeline(h, {
    name: `sourced-${++n}`,
    ...(repository ? { source: { repository, branch } } : {}),
    stages: [{ name: 'build', actions: [command('ok', 'true')] }],
  });
}

/** A pipeline's runs: revision and who triggered them. */
export const runsOf = async (h: Harness, pipelineId: string) =>
  (
    await h.gql<{
      pipelineRuns: {
        edges: Array<{ node: { id: string; revision: { sha: string }; triggeredBy: { name: string } } }>;
      };
    }>(
      `query($p: ID!) { pipelineRuns(pipelineId: $p) { edges { node { id revision { sha } triggeredBy { name } } } } }`,
      { p: pipelineId },
    )
  ).data!.pipelineRuns.edges.map((e) => e.node);
