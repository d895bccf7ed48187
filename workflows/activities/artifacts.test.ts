import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactEnvName, parseArtifacts, readArtifactsFile, receivedArtifactsEnv } from './artifacts';

describe('parseArtifacts ($LOCKSTEP_ARTIFACTS)', () => {
  it('reads one JSON object per line, skipping blank lines; a later line of the same name wins', () => {
    const text = [
      '{"name":"checkout-image","version":"1.4.1","digest":"sha256:abc","uri":"registry/checkout@sha256:abc"}',
      '',
      '{"name":"schema","version":"7"}',
      '{"name":"checkout-image","version":"1.4.2","digest":"sha256:def"}',
    ].join('\n');
    expect(parseArtifacts(text)).toEqual([
      { name: 'checkout-image', version: '1.4.2', digest: 'sha256:def', uri: null },
      { name: 'schema', version: '7', digest: null, uri: null },
    ]);
  });

  it.each([
    ['not json', /line 1 is not a JSON object/],
    ['["a"]', /line 1 is not a JSON object/],
    ['{"version":"1"}', /"name" is required/],
    ['{"name":"a"}', /"version" is required/],
    ['{"name":"a b","version":"1"}', /may hold only letters/],
    ['{"name":"a","version":"1","digest":"abc"}', /digest must look like/],
    ['{"name":"a","version":"1","extra":true}', /unknown field "extra"/],
    ['{"name":"a","version":2}', /"version" must be a non-empty string/],
    [`{"name":"a","version":"${'9'.repeat(201)}"}`, /longer than 200/],
  ])('refuses %j as a permanent error', (line, message) => {
    expect(() => parseArtifacts(line)).toThrow(message);
  });

  it('refuses more than 50 artifacts', () => {
    const lines = Array.from({ length: 51 }, (_, i) => `{"name":"a${i}","version":"1"}`).join('\n');
    expect(() => parseArtifacts(lines)).toThrow(/at most 50 artifacts/);
  });
});

describe('the artifacts file and what later commands receive', () => {
  it('reads nothing from a missing file and refuses an oversized one before parsing it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'artifacts-test-'));
    try {
      expect(await readArtifactsFile(path.join(dir, 'absent'))).toEqual([]);
      const big = path.join(dir, 'big');
      await writeFile(big, 'x'.repeat(64 * 1024 + 1));
      await expect(readArtifactsFile(big)).rejects.toThrow(/over the limit of 65536/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names variables per artifact and writes the manifest', async () => {
    expect(artifactEnvName('checkout-image.v2')).toBe('CHECKOUT_IMAGE_V2');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'artifacts-test-'));
    try {
      const env = await receivedArtifactsEnv(dir, [
        { id: 'x', name: 'checkout-image', version: '1.4.2', digest: 'sha256:def', uri: null },
      ]);
      expect(env).toEqual({
        LOCKSTEP_ARTIFACTS_MANIFEST: path.join(dir, 'artifacts-manifest.json'),
        LOCKSTEP_ARTIFACT_CHECKOUT_IMAGE_VERSION: '1.4.2',
        LOCKSTEP_ARTIFACT_CHECKOUT_IMAGE_DIGEST: 'sha256:def',
        LOCKSTEP_ARTIFACT_CHECKOUT_IMAGE_URI: '',
      });
      expect(JSON.parse(await readFile(env.LOCKSTEP_ARTIFACTS_MANIFEST!, 'utf8'))).toEqual([
        { name: 'checkout-image', version: '1.4.2', digest: 'sha256:def', uri: null },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
