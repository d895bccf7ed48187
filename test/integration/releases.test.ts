import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { sharedFolder } from '../support/shared-folder';
import { test } from '../support/fixtures';
import { command, createPipeline } from '../support/pipelines';
import {
  actionIn,
  buildAction,
  finishedRun,
  live,
  ok,
  promote,
  releaseCatalog,
  revisionAt,
  rollback,
  showArtifacts,
  triggerRevision,
} from '../support/releases';

/** Builds counted in files: a reused build never appends a line. */
let scratch: string;
beforeAll(async () => {
  scratch = await sharedFolder('lockstep-releases-', [
    'artifacts-builds',
    'promote-builds',
    'rollback-builds',
  ]);
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});
const builds = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter(Boolean).length;

describe('artifacts', () => {
  test('a build publishes an artifact; staging and production receive it and deploy the same digest; live shows it in both', async ({
    harness: h,
  }) => {
    const { serviceId, stagingId, productionId } = await releaseCatalog(h, 'artifacts');
    const { createDeployment } = await ok<{ createDeployment: { id: string } }>(
      h,
      `mutation($i: DeploymentInput!) { createDeployment(input: $i) { id } }`,
      {
        i: {
          name: 'artifacts-staging',
          serviceId,
          environmentId: stagingId,
          applyCommand: 'echo "apply $LOCKSTEP_ARTIFACT_CHECKOUT_IMAGE_DIGEST"',
        },
      },
    );
    const file = path.join(scratch, 'artifacts-builds');
    const pipeline = await createPipeline(h, {
      name: 'artifacts',
      serviceId,
      stages: [
        { name: 'build', actions: [buildAction(file), showArtifacts('inspect', 2)] },
        {
          name: 'staging',
          actions: [{ name: 'deploy', kind: 'DEPLOYMENT', config: { deploymentId: createDeployment.id } }],
        },
        { name: 'production', environmentId: productionId, actions: [showArtifacts('ship')] },
      ],
    });
    const revision = revisionAt(10);
    const run = await finishedRun(h, await triggerRevision(h, pipeline.id, revision));
    expect(run.status).toBe('SUCCEEDED');

    const build = actionIn(run, 'build', 'build-image');
    const digest = `sha256:${revision.sha}`;
    expect(build.artifacts).toEqual([
      expect.objectContaining({
        name: 'checkout-image',
        version: '1.4.1',
        digest,
        uri: `registry.test/checkout@${digest}`,
        pipelineRun: { id: run.id },
        actionRun: { id: build.id, name: 'build-image' },
      }),
    ]);
    expect(run.artifacts.map((a) => a.id)).toEqual([build.artifacts[0]!.id]);
    // Later actions of the same stage and of later stages receive it: variables and the manifest.
    for (const [stage, action] of [
      ['build', 'inspect'],
      ['production', 'ship'],
    ] as const) {
      const text = actionIn(run, stage, action)
        .logs.map((l) => l.text)
        .join('\n');
      expect(text).toContain(`received 1.4.1 ${digest} 1.4.1`);
      expect(text).toContain(`"name": "checkout-image"`);
    }
    const staging = actionIn(run, 'staging', 'deploy').deploymentRun!;
    const production = run.stages.find((s) => s.name === 'production')!.deploymentRun!;
    expect(staging.logs!.map((l) => l.text)).toContain(`apply ${digest}`);
    expect(staging.artifacts).toEqual([{ name: 'checkout-image', version: '1.4.1', digest }]);
    expect(production.artifacts).toEqual(staging.artifacts);

    const board = await live(h, serviceId);
    expect(board.map((l) => [l.environment.id, l.revision?.sha, l.artifacts])).toEqual(
      expect.arrayContaining([
        [productionId, revision.sha, staging.artifacts],
        [stagingId, revision.sha, staging.artifacts],
      ]),
    );
    expect(board).toHaveLength(2);
    expect((await live(h, serviceId, productionId)).map((l) => l.deploymentRun.id)).toEqual([production.id]);
    const listed = await ok<{ artifacts: Array<{ id: string }> }>(
      h,
      `query($r: ID) { artifacts(pipelineRunId: $r) { id } }`,
      { r: run.id },
    );
    expect(listed.artifacts).toEqual([{ id: build.artifacts[0]!.id }]);
  });

  test('a malformed artifact line fails the action with the line named, nothing stored', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'bad-artifacts',
      stages: [
        {
          name: 'build',
          actions: [command('build', `echo '{"name":"x y","version":"1"}' >> "$LOCKSTEP_ARTIFACTS"`)],
        },
      ],
    });
    const run = await finishedRun(h, await triggerRevision(h, pipeline.id, revisionAt(1)));
    expect(run.status).toBe('FAILED');
    expect(run.failureReason).toContain('invalid artifact: line 1: name "x y"');
    expect(run.artifacts).toEqual([]);
  });
});

describe('promote and roll back', () => {
  test('promoting a known-good run into a second pipeline reuses its build: the artifact and revision arrive, the deploy runs', async ({
    harness: h,
  }) => {
    const { serviceId, stagingId, productionId } = await releaseCatalog(h, 'promote');
    const file = path.join(scratch, 'promote-builds');
    const candidate = await createPipeline(h, {
      name: 'promote-candidate',
      serviceId,
      stages: [
        { name: 'build', actions: [buildAction(file)] },
        { name: 'staging', environmentId: stagingId, actions: [showArtifacts('smoke')] },
      ],
    });
    const release = await createPipeline(h, {
      name: 'promote-release',
      serviceId,
      stages: [
        { name: 'package', actions: [buildAction(file)] },
        { name: 'production', environmentId: productionId, actions: [showArtifacts('ship')] },
      ],
    });
    const revision = revisionAt(20);
    const source = await finishedRun(h, await triggerRevision(h, candidate.id, revision));
    expect(source.status).toBe('SUCCEEDED');
    expect(await builds(file)).toBe(1);
    const built = actionIn(source, 'build', 'build-image');

    const promoted = await finishedRun(h, await promote(h, release.id, source.id));
    expect(promoted.status).toBe('SUCCEEDED');
    expect(await builds(file)).toBe(1); // the build did not execute again
    expect(promoted.promotedFrom).toEqual({ id: source.id });
    expect(promoted.isRollback).toBe(false);
    expect(promoted.revision.sha).toBe(revision.sha);
    const reused = actionIn(promoted, 'package', 'build-image');
    expect(reused).toMatchObject({
      status: 'SKIPPED',
      reusedFrom: { id: built.id },
      outputs: { VERSION: '1.4.1' },
    });
    expect(reused.skipReason).toMatch(/^reused: checkout-image 1\.4\.1 built by promote-candidate run #1/);
    expect(reused.artifacts.map((a) => a.id)).toEqual(built.artifacts.map((a) => a.id));
    expect(promoted.artifacts.map((a) => a.id)).toEqual(built.artifacts.map((a) => a.id));
    expect(
      actionIn(promoted, 'production', 'ship')
        .logs.map((l) => l.text)
        .join('\n'),
    ).toContain(`received 1.4.1 sha256:${revision.sha} 1.4.1`);
    const [prod] = await live(h, serviceId, productionId);
    expect(prod!.artifacts).toEqual([
      { name: 'checkout-image', version: '1.4.1', digest: `sha256:${revision.sha}` },
    ]);
    expect(prod!.deploymentRun.pipelineRun).toEqual({ id: promoted.id });

    const refused = await h.gql(
      `mutation($p: ID!, $f: ID!) { promote(pipelineId: $p, fromRunId: $f) { id } }`,
      {
        p: release.id,
        f: '00000000-0000-4000-8000-000000000000',
      },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  test('a rollback reuses the earlier build: its artifact is live again and the run is a rollback', async ({
    harness: h,
  }) => {
    const { serviceId, productionId } = await releaseCatalog(h, 'rollback');
    const file = path.join(scratch, 'rollback-builds');
    const pipeline = await createPipeline(h, {
      name: 'rollback-release',
      serviceId,
      stages: [
        { name: 'build', actions: [buildAction(file)] },
        { name: 'production', environmentId: productionId, actions: [showArtifacts('ship')] },
      ],
    });
    const first = await finishedRun(h, await triggerRevision(h, pipeline.id, revisionAt(30)));
    const second = await finishedRun(h, await triggerRevision(h, pipeline.id, revisionAt(40)));
    expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect((await live(h, serviceId, productionId))[0]!.artifacts[0]!.version).toBe('1.4.2');

    const back = await finishedRun(h, await rollback(h, pipeline.id, first.id));
    expect(back.status).toBe('SUCCEEDED');
    expect(back.isRollback).toBe(true);
    expect(await builds(file)).toBe(2);
    expect(actionIn(back, 'build', 'build-image')).toMatchObject({
      status: 'SKIPPED',
      reusedFrom: { id: actionIn(first, 'build', 'build-image').id },
    });
    const [prod] = await live(h, serviceId, productionId);
    expect(prod!.deploymentRun.pipelineRun).toEqual({ id: back.id });
    expect(prod!.revision!.sha).toBe(first.revision.sha);
    expect(prod!.artifacts).toEqual(
      first.artifacts.map(({ name, version, digest }) => ({ name, version, digest })),
    );
    const deployed = await ok<{ deploymentRun: { isRollback: boolean } }>(
      h,
      `query($id: ID!) { deploymentRun(id: $id) { isRollback } }`,
      { id: prod!.deploymentRun.id },
    );
    expect(deployed.deploymentRun.isRollback).toBe(true);
  });
});

describe('never older than live', () => {
  test('a revision older than live stops at the production stage with the reason; the same revision as a rollback passes; allowOlderThanLive passes', async ({
    harness: h,
  }) => {
    const { serviceId, productionId } = await releaseCatalog(h, 'older');
    const definition = (name: string, allowOlderThanLive?: boolean) => ({
      name,
      serviceId,
      ...(allowOlderThanLive === undefined ? {} : { allowOlderThanLive }),
      stages: [
        { name: 'build', actions: [command('compile', 'true')] },
        { name: 'production', environmentId: productionId, actions: [command('ship', 'echo shipped')] },
      ],
    });
    const pipeline = await createPipeline(h, definition('older-guarded'));
    const old = revisionAt(50);
    const newer = revisionAt(60);
    const known = await finishedRun(h, await triggerRevision(h, pipeline.id, old));
    const current = await finishedRun(h, await triggerRevision(h, pipeline.id, newer));
    expect([known.status, current.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);

    const stale = await finishedRun(h, await triggerRevision(h, pipeline.id, old));
    expect(stale.status).toBe('FAILED');
    const production = stale.stages.find((s) => s.name === 'production')!;
    expect(production.status).toBe('FAILED');
    expect(production.actions.map((a) => a.status)).toEqual(['SKIPPED']);
    expect(production.deploymentRun).toBeNull(); // nothing was deployed
    expect(stale.failureReason).toBe(
      `stage "production" failed: revision ${old.sha} (committed ${old.committedAt}) is older than the live ` +
        `revision ${newer.sha} (committed ${newer.committedAt}) deployed by older-guarded run #2; roll back to ` +
        `deploy an older revision`,
    );

    const back = await finishedRun(h, await rollback(h, pipeline.id, known.id));
    expect(back.status).toBe('SUCCEEDED');
    expect((await live(h, serviceId, productionId))[0]!.revision!.sha).toBe(old.sha);

    // The live revision is now the old one; an even older one passes where the pipeline allows it.
    const older = revisionAt(45);
    const relaxed = await createPipeline(h, definition('older-allowed', true));
    const allowed = await finishedRun(h, await triggerRevision(h, relaxed.id, older));
    expect(allowed.status).toBe('SUCCEEDED');
    const guarded = await finishedRun(h, await triggerRevision(h, pipeline.id, revisionAt(44)));
    expect(guarded.failureReason).toContain('deployed by older-allowed run #1');
  });
});
