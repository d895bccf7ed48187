import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { sharedFolder } from '../support/shared-folder';
import { eventually, test, type Harness } from '../support/fixtures';
import { approval, command, createPipeline, eventTypes } from '../support/pipelines';
import {
  buildAction,
  finishedRun,
  ok,
  releaseCatalog,
  revisionAt,
  triggerRevision,
  type ReleaseRunView,
} from '../support/releases';

/** A webhook receiver that keeps every body. */
let server: Server;
let base: string;
const bodies: Array<{ path: string; body: string }> = [];
let scratch: string;

beforeAll(async () => {
  scratch = await sharedFolder('lockstep-approval-requests-', ['diff-builds']);
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(scratch, { recursive: true, force: true });
});

const requestFields = `
  environment { id name }
  live { deploymentRun { pipelineRun { id } } revision { sha } artifacts { name version digest } }
  candidate { sha }
  newCommits { sha }
  artifactChanges { name liveVersion candidateVersion liveDigest candidateDigest }
  olderThanLive expiresAt expired summary`;

interface RequestView {
  environment: { id: string; name: string } | null;
  live: {
    deploymentRun: { pipelineRun: { id: string } | null };
    revision: { sha: string } | null;
    artifacts: Array<{ name: string; version: string; digest: string | null }>;
  } | null;
  candidate: { sha: string };
  newCommits: Array<{ sha: string }>;
  artifactChanges: Array<Record<string, string | null>>;
  olderThanLive: boolean;
  expiresAt: string | null;
  expired: boolean;
  summary: string;
}

interface GateView {
  id: string;
  status: string;
  startedAt: string | null;
  skipReason: string | null;
  approvalRequest: RequestView | null;
}

async function gateOf(h: Harness, runId: string, waiting = true): Promise<GateView> {
  const read = async () =>
    (
      await ok<{ pipelineRun: { stages: Array<{ name: string; actions: GateView[] }> } }>(
        h,
        `query($id: ID!) { pipelineRun(id: $id) { stages { name actions {
           id status startedAt skipReason approvalRequest { ${requestFields} } } } } }`,
        { id: runId },
      )
    ).pipelineRun.stages.find((s) => s.name === 'production')!.actions[0]!;
  return waiting ? eventually(read, (gate) => gate.status === 'WAITING_FOR_APPROVAL') : read();
}

const approve = (h: Harness, actionRunId: string, token: string) =>
  h.gql<{ approveAction: { id: string } }>(
    `mutation($a: ID!) { approveAction(actionRunId: $a, comment: "ship") { id status } }`,
    { a: actionRunId },
    token,
  );

const production = (run: ReleaseRunView) => run.stages.find((s) => s.name === 'production')!;

describe('approve with a diff', () => {
  test('approvalRequest lists exactly the commits not yet live and the artifact change; the webhook and Slack carry its summary', async ({
    harness: h,
  }) => {
    const { serviceId, productionId } = await releaseCatalog(h, 'diff');
    const pipeline = await createPipeline(h, {
      name: 'diff-release',
      serviceId,
      stages: [
        { name: 'build', actions: [buildAction(path.join(scratch, 'diff-builds'))] },
        {
          name: 'production',
          environmentId: productionId,
          actions: [approval('go', { timeoutSeconds: 600 }), command('ship', 'true', 2)],
        },
      ],
    });
    for (const format of ['lockstep', 'slack']) {
      await ok(h, `mutation($i: WebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { id } }`, {
        i: {
          url: `${base}/${format}`,
          secret: 'approval-request-secret',
          format,
          pipelineId: pipeline.id,
          eventTypes: ['APPROVAL_REQUESTED'],
        },
      });
    }
    const approver = await h.tokenFor('APPROVER', 'diff-approver');
    const [c1, c2, c3, c4] = [revisionAt(100), revisionAt(101), revisionAt(102), revisionAt(103)];

    const first = await triggerRevision(h, pipeline.id, c2, [c1, c2]);
    const firstGate = await gateOf(h, first);
    expect(firstGate.approvalRequest).toEqual({
      environment: { id: productionId, name: expect.any(String) },
      live: null,
      candidate: { sha: c2.sha },
      newCommits: [{ sha: c1.sha }, { sha: c2.sha }],
      artifactChanges: [
        {
          name: 'checkout-image',
          liveVersion: null,
          candidateVersion: '1.4.1',
          liveDigest: null,
          candidateDigest: `sha256:${c2.sha}`,
        },
      ],
      olderThanLive: false,
      expiresAt: new Date(new Date(firstGate.startedAt!).getTime() + 600_000).toISOString(),
      expired: false,
      summary: '2 new commits; checkout-image (none) -> 1.4.1',
    });
    expect((await approve(h, firstGate.id, approver)).errors).toBeUndefined();
    expect((await finishedRun(h, first)).status).toBe('SUCCEEDED');

    // c2 is live there already: the second run's request lists c3 and c4 only.
    const second = await triggerRevision(h, pipeline.id, c4, [c2, c3, c4]);
    const secondGate = await gateOf(h, second);
    const summary = '2 new commits; checkout-image 1.4.1 -> 1.4.2';
    expect(secondGate.approvalRequest).toMatchObject({
      live: {
        deploymentRun: { pipelineRun: { id: first } },
        revision: { sha: c2.sha },
        artifacts: [{ name: 'checkout-image', version: '1.4.1', digest: `sha256:${c2.sha}` }],
      },
      candidate: { sha: c4.sha },
      newCommits: [{ sha: c3.sha }, { sha: c4.sha }],
      artifactChanges: [
        {
          name: 'checkout-image',
          liveVersion: '1.4.1',
          candidateVersion: '1.4.2',
          liveDigest: `sha256:${c2.sha}`,
          candidateDigest: `sha256:${c4.sha}`,
        },
      ],
      olderThanLive: false,
      summary,
    });
    // Slack shows the same line with `>` escaped, as every text it carries (docs/security.md).
    const slackSummary = summary.replace('>', '&gt;');
    const delivered = await eventually(
      async () => bodies.filter((b) => b.body.includes(summary) || b.body.includes(slackSummary)),
      (found) => found.length === 2,
    );
    const lockstep = JSON.parse(delivered.find((b) => b.path === '/lockstep')!.body);
    expect(lockstep.event).toMatchObject({ type: 'APPROVAL_REQUESTED', runId: second, actionName: 'go' });
    expect(lockstep.approval).toEqual({ summary });
    const slack = JSON.parse(delivered.find((b) => b.path === '/slack')!.body);
    expect(slack.text).toContain(`\n${slackSummary}`);
    expect((await approve(h, secondGate.id, approver)).errors).toBeUndefined();
    expect((await finishedRun(h, second)).status).toBe('SUCCEEDED');
  });
});

describe('approve the newest', () => {
  test('in SUPERSEDED mode a newer run supersedes one waiting at a gate: its request expires, and approving it answers CONFLICT naming the newer run', async ({
    harness: h,
  }) => {
    const { serviceId, productionId } = await releaseCatalog(h, 'newest');
    const pipeline = await createPipeline(h, {
      name: 'newest-release',
      serviceId,
      executionMode: 'SUPERSEDED',
      stages: [
        { name: 'build', actions: [command('compile', 'true')] },
        { name: 'production', environmentId: productionId, actions: [approval('go')] },
      ],
    });
    const approver = await h.tokenFor('APPROVER', 'newest-approver');
    const first = await triggerRevision(h, pipeline.id, revisionAt(200));
    const stale = await gateOf(h, first);

    const second = await triggerRevision(h, pipeline.id, revisionAt(201));
    const replaced = await finishedRun(h, first);
    expect(replaced.status).toBe('SUPERSEDED');
    expect(replaced.failureReason).toBe(`superseded by run ${second}`);
    const expired = await gateOf(h, first, false);
    expect(expired).toMatchObject({
      status: 'SKIPPED',
      skipReason: `approval expired: superseded by run ${second} before anyone decided`,
      approvalRequest: { expired: true },
    });
    expect(await eventTypes(h, first)).toEqual(
      expect.arrayContaining(['APPROVAL_EXPIRED', 'RUN_SUPERSEDED']),
    );
    // The stage's own deployment never happened.
    expect(production(replaced).deploymentRun).toMatchObject({ status: 'CANCELLED' });

    const late = await approve(h, stale.id, approver);
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(late.errors?.[0]?.message).toContain(`run #2 (${second})`);

    const fresh = await gateOf(h, second);
    expect(fresh.approvalRequest!.expired).toBe(false);
    expect((await approve(h, fresh.id, approver)).errors).toBeUndefined();
    expect((await finishedRun(h, second)).status).toBe('SUCCEEDED');
  });
});
