import type { Metadata } from 'next';
import { ApiProblem, load } from '@/components/api-problem';
import { ChoiceFilter, PeriodFilter } from '@/components/list-filters';
import { Table } from '@/components/table';
import { gql } from '@/lib/api';
import { dateTime, duration, elapsed, isoOrNull, short } from '@/lib/format';
import { IncidentsDocument } from '@/lib/graphql-operations';
import { attributions } from '@/lib/labels';

export const metadata: Metadata = { title: 'Incidents · Lockstep' };
export const dynamic = 'force-dynamic';

export default async function IncidentsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const s = await searchParams;
  const result = await load(() =>
    gql(IncidentsDocument, {
      serviceId: s.service || null,
      from: isoOrNull(s.from),
      to: isoOrNull(s.to, true),
    }),
  );
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  const { services, incidents } = result.data;
  return (
    <section>
      <h1>Incidents</h1>
      <form method="get" className="filters" aria-label="Filters">
        <ChoiceFilter label="Service" name="service" value={s.service} choices={services} />
        <PeriodFilter from={s.from} to={s.to} />
      </form>
      <Table columns={['Opened', 'Title', 'Service', 'Open for', 'Attribution']}>
        {incidents.map((i) => (
          <tr key={i.id}>
            <td>{dateTime(i.openedAt)}</td>
            <td>{i.title}</td>
            <td>{i.service.name}</td>
            <td>
              {i.resolvedAt ? duration(elapsed(i.openedAt, i.resolvedAt)) : <strong>still open</strong>}
            </td>
            <td>
              {attributions[i.attribution].meaning}
              {i.causedBy ? (
                <span className="muted">
                  {' '}
                  (<code>{short(i.causedBy.revision?.sha ?? i.causedBy.id)}</code>, finished{' '}
                  {dateTime(i.causedBy.finishedAt)})
                </span>
              ) : null}
            </td>
          </tr>
        ))}
      </Table>
    </section>
  );
}
