import Link from 'next/link';
import { dateTime, short } from '@/lib/format';
import type { ApprovalRequestViewFragment } from '@/lib/graphql-operations';

/** "1.4.1 (sha256:ab12…)": a version with the start of its digest, or that there is none. */
function version(value: string | null, digest: string | null): string {
  if (!value) return '—';
  return digest ? `${value} (${short(digest, 15)}…)` : value;
}

/**
 * What an approver approves: the one-line summary, what is live where it goes and since when, the commits
 * not live there yet and the artifact changes; an older candidate and an expired request stand out.
 */
export function ApprovalDiff({ request }: { request: ApprovalRequestViewFragment }) {
  const { live } = request;
  const madeBy = live?.deploymentRun.pipelineRun;
  return (
    <section className="approval-diff" aria-label="What this approval deploys">
      <p>
        <strong>{request.summary}</strong>
      </p>
      {request.expired ? (
        <p className="error">Expired: a newer run superseded this one before anyone decided.</p>
      ) : null}
      {request.olderThanLive ? (
        <p className="error">The candidate is older than what is live there.</p>
      ) : null}
      <p className="muted">
        Into <strong>{request.environment?.name ?? 'no environment'}</strong>: live{' '}
        {live ? (
          <>
            <code>{short(live.revision?.sha)}</code> since {dateTime(live.since)}
            {madeBy ? (
              <>
                {' '}
                by{' '}
                <Link href={`/runs/${madeBy.id}`}>
                  {madeBy.pipeline.name} run #{madeBy.number}
                </Link>
              </>
            ) : (
              <>
                {' '}
                by{' '}
                <Link href={`/deployment-runs/${live.deploymentRun.id}`}>
                  {live.deploymentRun.external ? 'an external deployment' : 'a deployment run'}
                </Link>
              </>
            )}
          </>
        ) : (
          'nothing yet'
        )}{' '}
        → candidate <code>{short(request.candidate.sha)}</code>
      </p>
      {request.newCommits.length > 0 ? (
        <ul className="commits" aria-label="Commits not live there yet">
          {request.newCommits.map((c) => (
            <li key={c.sha}>
              <code>{short(c.sha)}</code> {c.message ?? ''} <span className="muted">{c.author ?? ''}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {request.artifactChanges.length > 0 ? (
        <table aria-label="Artifact changes">
          <thead>
            <tr>
              <th>Artifact</th>
              <th>Live</th>
              <th>Candidate</th>
            </tr>
          </thead>
          <tbody>
            {request.artifactChanges.map((a) => (
              <tr key={a.name}>
                <td>{a.name}</td>
                <td>{version(a.liveVersion, a.liveDigest)}</td>
                <td>{version(a.candidateVersion, a.candidateDigest)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {request.expiresAt && !request.expired ? (
        <p className="muted">Its timeout decides at {dateTime(request.expiresAt)}.</p>
      ) : null}
    </section>
  );
}
