import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiProblem, load } from '@/components/api-problem';
import { ArtifactList } from '@/components/artifact-list';
import { Badge } from '@/components/badges';
import { gql } from '@/lib/api';
import { dateTime, short } from '@/lib/format';
import { ReleasesBoardDocument, type ReleasesBoardQuery } from '@/lib/graphql-operations';
import type { EnvironmentTier } from '@/lib/graphql-types';
import { PromoteForm, RollbackForm } from './release-controls';

export const metadata: Metadata = { title: 'Releases · Lockstep' };
export const dynamic = 'force-dynamic';

type Live = ReleasesBoardQuery['live'][number];

const tierOrder: Record<EnvironmentTier, number> = { DEVELOPMENT: 0, STAGING: 1, PRODUCTION: 2 };

/**
 * What is live where: services down, environments across (development to production), each cell the live
 * version, revision, since when and by which run; Promote and Roll back for operators and above.
 */
export default async function ReleasesPage() {
  const result = await load(() => gql(ReleasesBoardDocument));
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  const { viewer, services, live, pipelines } = result.data;
  const environments = [...result.data.environments].sort(
    (a, b) => tierOrder[a.tier] - tierOrder[b.tier] || a.name.localeCompare(b.name),
  );
  const cell = new Map(live.map((l) => [`${l.service.id}/${l.environment.id}`, l]));
  const canRelease = viewer.role !== 'VIEWER';
  const pipelinesOf = (serviceId: string) =>
    pipelines.edges.map((e) => e.node).filter((p) => p.service?.id === serviceId);
  return (
    <section>
      <h1>Releases</h1>
      <p className="muted">
        What is live where: the latest successful deployment of each service in each environment.
      </p>
      <table className="live-board" aria-label="Live board">
        <thead>
          <tr>
            <th>Service</th>
            {environments.map((e) => (
              <th key={e.id}>{e.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {services.map((s) => (
            <tr key={s.id}>
              <th scope="row">{s.name}</th>
              {environments.map((e) => {
                const here = cell.get(`${s.id}/${e.id}`);
                return (
                  <td key={e.id} data-cell={`${s.name}/${e.name}`}>
                    {here ? (
                      <LiveCell
                        live={here}
                        where={`${s.name} in ${e.name}`}
                        pipelines={canRelease ? pipelinesOf(s.id) : []}
                        canRelease={canRelease}
                      />
                    ) : (
                      <span className="muted">nothing yet</span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function LiveCell({
  live,
  where,
  pipelines,
  canRelease,
}: {
  live: Live;
  where: string;
  pipelines: Array<{ id: string; name: string }>;
  canRelease: boolean;
}) {
  const run = live.deploymentRun.pipelineRun;
  const back = live.previous?.pipelineRun;
  return (
    <div className="live-cell">
      <ArtifactList artifacts={live.artifacts} label={`Live in ${where}`} />
      <p>
        <code>{short(live.revision?.sha)}</code> since {dateTime(live.since)}
        {live.deploymentRun.isRollback ? <Badge tone="none">rollback</Badge> : null}
      </p>
      <p className="muted">
        by{' '}
        {run ? (
          <Link href={`/runs/${run.id}`}>
            {run.pipeline.name} run #{run.number}
          </Link>
        ) : (
          <Link href={`/deployment-runs/${live.deploymentRun.id}`}>
            {live.deploymentRun.external ? 'an external deployment' : 'a deployment run'}
          </Link>
        )}
      </p>
      {canRelease && run && pipelines.length > 0 ? (
        <PromoteForm runId={run.id} where={where} pipelines={pipelines} />
      ) : null}
      {canRelease && back ? (
        <RollbackForm
          pipelineId={back.pipeline.id}
          runId={back.id}
          sha={live.previous!.revision?.sha ?? null}
          where={where}
        />
      ) : null}
    </div>
  );
}
