import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** The history a user would export from another tool: deployments in the order they finished. */
export interface HistoryShape {
  deployments: number;
  commitsPerDeployment: number;
  days: number;
  /** The newest deployment finishes just before this. */
  end: Date;
  services: readonly string[];
  environmentId: string;
}

/**
 * Writes `lockstep import`'s input, one ExternalDeploymentInput per line (NDJSON), streamed: deployments
 * evenly spread over `days`, each service in turn (a stride through the list, so neighbours differ), each
 * with its own commits authored one to three days earlier; one in forty a rollback. Deterministic.
 */
export async function writeHistory(file: string, shape: HistoryShape): Promise<number> {
  const out = createWriteStream(file);
  const span = shape.days * 86_400_000;
  const first = shape.end.getTime() - span;
  let bytes = 0;
  for (let i = 0; i < shape.deployments; i++) {
    const finished = first + Math.floor((i * span) / shape.deployments);
    const commits = Array.from({ length: shape.commitsPerDeployment }, (_, c) => ({
      sha: (i * shape.commitsPerDeployment + c).toString(16).padStart(12, '0'),
      committedAt: new Date(finished - 3_600_000 * (1 + ((i * 7 + c * 13) % 72))).toISOString(),
    }));
    const line = `${JSON.stringify({
      serviceId: shape.services[(i * 7) % shape.services.length],
      environmentId: shape.environmentId,
      status: 'SUCCEEDED',
      startedAt: new Date(finished - 240_000).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      revision: commits.at(-1),
      commits,
      isRollback: i % 40 === 39,
    })}\n`;
    bytes += line.length;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}
