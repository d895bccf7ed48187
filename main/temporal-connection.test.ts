import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';
import { temporalConnectionOptions } from './temporal-connection';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lockstep-tls-'));
const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};
const ca = file('ca.pem', 'CA PEM');
const cert = file('client.pem', 'CERT PEM');
const key = file('client.key', 'KEY PEM');

const optionsFor = (env: Record<string, string>) => {
  const config = parseConfig({ TEMPORAL_ADDRESS: 'temporal.example:7233', ...env });
  return temporalConnectionOptions(config.temporal, config.temporal.address!);
};

describe('Temporal connection options (TEMPORAL_TLS_*, TEMPORAL_API_KEY)', () => {
  it('connects in plaintext with nothing set', () => {
    expect(optionsFor({})).toEqual({ address: 'temporal.example:7233' });
  });

  it('reads the CA, the client certificate and key for mTLS, and the server name', () => {
    const options = optionsFor({
      TEMPORAL_TLS_CA: ca,
      TEMPORAL_TLS_CERT: cert,
      TEMPORAL_TLS_KEY: key,
      TEMPORAL_TLS_SERVER_NAME: 'frontend.internal',
    });
    expect(options.tls?.serverNameOverride).toBe('frontend.internal');
    expect(Buffer.from(options.tls!.serverRootCACertificate!).toString()).toBe('CA PEM');
    expect(Buffer.from(options.tls!.clientCertPair!.crt).toString()).toBe('CERT PEM');
    expect(Buffer.from(options.tls!.clientCertPair!.key).toString()).toBe('KEY PEM');
    expect(options.apiKey).toBeUndefined();
  });

  it('sends an API key over TLS with the namespace (Temporal Cloud)', () => {
    expect(optionsFor({ TEMPORAL_API_KEY: 'cloud-key', TEMPORAL_NAMESPACE: 'prod.a1b2c' })).toEqual({
      address: 'temporal.example:7233',
      tls: {},
      apiKey: 'cloud-key',
      metadata: { 'temporal-namespace': 'prod.a1b2c' },
    });
    expect(optionsFor({ TEMPORAL_TLS: 'true' }).tls).toEqual({});
  });

  it('refuses a certificate without its key, and files it cannot read, naming the variable', () => {
    expect(() => optionsFor({ TEMPORAL_TLS_CERT: cert })).toThrow(ConfigError);
    expect(() => optionsFor({ TEMPORAL_TLS_CERT: cert })).toThrow(/TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY/);
    expect(() => optionsFor({ TEMPORAL_TLS_CA: path.join(dir, 'missing.pem') })).toThrow(
      /TEMPORAL_TLS_CA must be the path of a readable PEM file/,
    );
  });

  it('never echoes the API key in an error', () => {
    expect(() => parseConfig({ TEMPORAL_API_KEY: 'k3y-s3cret', PORT: 'x' })).toThrow(/^(?!.*k3y-s3cret).*$/s);
  });
});
