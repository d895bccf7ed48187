import { collectDefaultMetrics, Registry } from 'prom-client';

/** The registry a process's GET /metrics serves, with Node's own series (CPU, memory, event loop lag, GC). */
export function processRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
