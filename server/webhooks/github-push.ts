import { GraphQLError } from 'graphql';
import type { DataSource } from 'typeorm';
import { run } from '../../db/dora/statement';
import { systemPrincipals } from '../../db/triggers/system-principals';
import { pipelinesBySource, recordPush, type TriggerRevision } from '../../db/triggers/triggers.sql';
import { badInput } from '../errors';
import { revisionFact } from '../run/revision';
import type { RunService } from '../run/run.service';

export interface GithubPushDeps {
  dataSource: DataSource;
  runs: RunService;
  log: (message: string) => void;
}

/** A commit of GitHub's push payload: `id` is the SHA, `timestamp` the author date. */
function commitOf(value: unknown, field: string) {
  const c = (value ?? {}) as {
    id?: unknown;
    timestamp?: unknown;
    message?: unknown;
    author?: { name?: unknown };
  };
  if (typeof c.id !== 'string' || typeof c.timestamp !== 'string')
    throw badInput(field, 'is not a commit of a push event (id and timestamp)');
  return revisionFact(field, {
    sha: c.id,
    committedAt: new Date(c.timestamp),
    message: typeof c.message === 'string' ? c.message.slice(0, 10_000) : null,
    author: typeof c.author?.name === 'string' ? c.author.name.slice(0, 200) : null,
  });
}

/**
 * GitHub's `push` event (signature and delivery id already checked by inbound.ts): the head commit is the
 * revision and the pushed commits, with their author dates, are the change set, so lead time starts at
 * each commit. Every pipeline whose source is this repository and branch is triggered; a tag, a deleted
 * branch or a branch no pipeline follows triggers nothing, and the answer says why. The push is kept, so a
 * schedule of such a pipeline deploys what was pushed last.
 */
export function createGithubPushHandler({ dataSource, runs, log }: GithubPushDeps) {
  return async (event: Record<string, unknown>, deliveryId: string): Promise<Record<string, unknown>> => {
    const ref = typeof event.ref === 'string' ? event.ref : '';
    const repository = (event.repository ?? {}) as { full_name?: unknown };
    if (!ref || typeof repository.full_name !== 'string')
      throw badInput('ref', 'not a push event (ref and repository.full_name)');
    if (!ref.startsWith('refs/heads/')) return { ignored: `${ref} is not a branch`, triggered: [] };
    const branch = ref.slice('refs/heads/'.length);
    if (event.deleted === true) return { ignored: `branch ${branch} was deleted`, triggered: [] };
    if (!event.head_commit) return { ignored: `the push to ${branch} has no head commit`, triggered: [] };
    const head = commitOf(event.head_commit, 'head_commit');
    const commits = Array.isArray(event.commits)
      ? event.commits.map((c, i) => commitOf(c, `commits[${i}]`))
      : [head];
    const revision: TriggerRevision = { ...head, commits };
    await run(dataSource, recordPush, { repository: repository.full_name, branch, deliveryId, revision });
    const pipelines = await run(dataSource, pipelinesBySource, { repository: repository.full_name, branch });
    if (pipelines.length === 0)
      return { ignored: `no pipeline follows ${repository.full_name} branch ${branch}`, triggered: [] };
    const triggered: string[] = [];
    const failures: Array<{ pipelineId: string; error: unknown }> = [];
    const at = (fact: { committedAt: string }) => new Date(fact.committedAt);
    for (const pipeline of pipelines) {
      try {
        const started = await runs.trigger(
          pipeline.id,
          { ...head, committedAt: at(head) },
          commits.map((c) => ({ ...c, committedAt: at(c) })),
          { id: systemPrincipals.githubPush },
        );
        triggered.push(started.id);
      } catch (error) {
        if (!(error instanceof GraphQLError))
          log(
            `push: pipeline ${pipeline.id} not triggered: ${error instanceof Error ? error.stack : String(error)}`,
          );
        failures.push({ pipelineId: pipeline.id, error });
      }
    }
    // Nothing started: the delivery is refused, so GitHub's redelivery can try again. Once a run started,
    // the delivery is kept (a redelivery would start it twice) and the pipelines that failed are named.
    if (triggered.length === 0 && failures[0]) throw failures[0].error;
    if (failures.length === 0) return { triggered };
    const failed = failures.map(({ pipelineId, error }) => ({
      pipelineId,
      error: error instanceof GraphQLError ? error.message : 'internal error',
    }));
    return { triggered, failed };
  };
}

export type GithubPushHandler = ReturnType<typeof createGithubPushHandler>;
