import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export interface MetricsEndpointOptions {
  registry: Registry;
  /** LOCKSTEP_METRICS_TOKEN: when set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string;
  /** More exposition text appended to the registry's (the Temporal SDK's own series on the worker). */
  extra?: () => Promise<string>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * GET /metrics in the Prometheus text format, for the API's express app and the worker's own listener.
 * The token is compared in constant time; a missing or wrong one gets 401 and nothing else.
 */
export function metricsEndpoint(options: MetricsEndpointOptions) {
  const expected = options.token ? digest(`Bearer ${options.token}`) : undefined;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
      res
        .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' })
        .end('unauthorized\n');
      return;
    }
    try {
      const own = await options.registry.metrics();
      const extra = options.extra ? await options.extra().catch(() => '') : '';
      res.writeHead(200, { 'content-type': options.registry.contentType });
      res.end(extra ? `${own.trimEnd()}\n${extra}` : own);
    } catch {
      // The cause (a database error naming hosts) is not for whoever scrapes.
      res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n');
    }
  };
}
