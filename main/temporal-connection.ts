import type { TLSConfig } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import { ConfigError, type Config } from './config';

/** What both the client `Connection` and the worker's `NativeConnection` take to reach Temporal. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
  metadata?: Record<string, string>;
}

function pem(variable: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${variable} cannot be read: ${(error as Error).message}`);
  }
}

/**
 * How the API and the worker connect to Temporal: plaintext (a dev server, a private network), TLS with the
 * system's roots or TEMPORAL_TLS_CA, mTLS with TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY, or an API key
 * (Temporal Cloud) over TLS. The files are read once, at start.
 */
export function temporalConnectionOptions(
  temporal: Config['temporal'],
  address: string,
): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address };
  if (temporal.tls) {
    const { caFile, certFile, keyFile, serverName } = temporal.tls;
    options.tls = {
      ...(serverName ? { serverNameOverride: serverName } : {}),
      ...(caFile ? { serverRootCACertificate: pem('TEMPORAL_TLS_CA', caFile) } : {}),
      ...(certFile && keyFile
        ? {
            clientCertPair: {
              crt: pem('TEMPORAL_TLS_CERT', certFile),
              key: pem('TEMPORAL_TLS_KEY', keyFile),
            },
          }
        : {}),
    };
  }
  if (temporal.apiKey) {
    options.apiKey = temporal.apiKey;
    // Temporal Cloud routes API-key requests by namespace.
    options.metadata = { 'temporal-namespace': temporal.namespace };
  }
  return options;
}
