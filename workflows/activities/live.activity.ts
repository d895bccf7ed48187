import type { DataSource } from 'typeorm';
import { run } from '../../db/dora/statement';
import { liveMadeBy, liveRevision } from '../../db/releases/live';
import type { LiveRequest, LiveState } from '../definitions';

/** What is live where, read by a run as it enters a stage with an environment. */
export function createLiveActivities({ dataSource }: { dataSource: DataSource }) {
  /** The latest successful deployment of a service in an environment (one index read), or null. */
  async function readLive(request: LiveRequest): Promise<LiveState | null> {
    const [live] = await run(dataSource, liveRevision, request);
    if (!live) return null;
    return {
      deploymentRunId: live.deploymentRunId,
      revisionSha: live.revisionSha,
      revisionCommittedAt: live.revisionCommittedAt?.toISOString() ?? null,
      madeBy: liveMadeBy(live),
    };
  }

  return { readLive };
}
