import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { metricsEndpoint } from '../../server/telemetry/metrics-endpoint';

/** A loopback port that was free a moment ago, for the Temporal SDK's own Prometheus exporter. */
export function freeLoopbackAddress(): Promise<string> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(`127.0.0.1:${port}`));
    });
  });
}

/**
 * The worker's GET /metrics on a listener of its own (LOCKSTEP_WORKER_METRICS_HOST:PORT): Lockstep's
 * series, then the Temporal SDK's (its exporter listens on loopback only; this relays it, so one scrape
 * target has both). Anything but GET /metrics is 404.
 */
export async function startWorkerMetricsServer(options: {
  host: string;
  port: number;
  registry: Registry;
  token: string | undefined;
  sdkAddress: string | undefined;
}): Promise<{ port: number; close(): Promise<void> }> {
  const { sdkAddress } = options;
  const serve = metricsEndpoint({
    registry: options.registry,
    token: options.token,
    extra: sdkAddress
      ? async () =>
          (await fetch(`http://${sdkAddress}/metrics`, { signal: AbortSignal.timeout(2000) })).text()
      : undefined,
  });
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') void serve(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
