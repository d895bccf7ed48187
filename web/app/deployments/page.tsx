import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiProblem, load } from '@/components/api-problem';
import { ChoiceFilter, PeriodFilter } from '@/components/list-filters';
import { Badge, StatusBadge } from '@/components/badges';
import { Table } from '@/components/table';
import { gql } from '@/lib/api';
import { dateTime, duration, isoOrNull, short } from '@/lib/format';
import { DeploymentsDocument } from '@/lib/graphql-operations';

export const metadata: Metadata = { title: 'Deployments · Lockstep' };
export const dynamic = 'force-dynamic';

type Search = Record<string, string | undefined>;

export default async function DeploymentsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const s = await searchParams;
  const variables = {
    first: 50,
    after: s.after || null,
    serviceId: s.service || null,
    environmentId: s.environment || null,
    from: isoOrNull(s.from),
    to: isoOrNull(s.to, true),
  };
  const result = await load(() => gql(DeploymentsDocument, variables));
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  const { services, environments, deploymentRuns } = result.data;
  const next = new URLSearchParams(Object.entries(s).filter((e): e is [string, string] => !!e[1]));
  next.set('after', deploymentRuns.pageInfo.endCursor ?? '');
  return (
    <section>
      <h1>Deployments</h1>
      <p>
        <Link href="/deployments/manage">Manage Deployments</Link> (what each one runs, where)
      </p>
      <form method="get" className="filters" aria-label="Filters">
        <ChoiceFilter label="Service" name="service" value={s.service} choices={services} />
        <ChoiceFilter label="Environment" name="environment" value={s.environment} choices={environments} />
        <PeriodFilter from={s.from} to={s.to} />
      </form>
      <p className="muted">{deploymentRuns.totalCount} deployment runs</p>
      <Table columns={['Finished', 'Service', 'Environment', 'Status', 'Revision', 'DORA']}>
        {deploymentRuns.edges.map(({ node: d }) => (
          <tr key={d.id}>
            <td>{dateTime(d.finishedAt ?? d.startedAt)}</td>
            <td>{d.service.name}</td>
            <td>{d.environment.name}</td>
            <td>
              <StatusBadge status={d.status} />
              {d.isRollback ? <Badge tone="none">rollback</Badge> : null}
              {d.external ? <Badge tone="none">external</Badge> : null}
            </td>
            <td>
              <code>{short(d.revision?.sha)}</code>{' '}
              {d.pipelineRun ? (
                <Link href={`/runs/${d.pipelineRun.id}`}>run #{d.pipelineRun.number}</Link>
              ) : null}
            </td>
            <td>
              {[
                d.changeFailed ? 'failed' : null,
                d.rework ? 'rework' : null,
                d.leadTimeSeconds !== null ? `lead ${duration(d.leadTimeSeconds)}` : null,
                d.recoverySeconds !== null ? `restored in ${duration(d.recoverySeconds)}` : null,
              ]
                .filter(Boolean)
                .join(' · ') || '—'}
            </td>
          </tr>
        ))}
      </Table>
      {deploymentRuns.pageInfo.hasNextPage ? (
        <Link href={`/deployments?${next}`}>Older deployments →</Link>
      ) : null}
    </section>
  );
}
