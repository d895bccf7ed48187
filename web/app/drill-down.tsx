import Link from 'next/link';
import { ApiProblem, load } from '@/components/api-problem';
import { Table } from '@/components/table';
import { gql } from '@/lib/api';
import { dateTime, duration, short } from '@/lib/format';
import { attributions } from '@/lib/labels';
import {
  DrillDownIncidentsDocument,
  DrillDownRunsDocument,
  type DrillDownIncidentsQuery,
  type DrillDownRunsQuery,
} from '@/lib/graphql-operations';

type Row = DrillDownRunsQuery['deploymentRuns']['edges'][number]['node'];
type IncidentRow = DrillDownIncidentsQuery['incidents'][number];

/** Why each deployment of a bucket counts the way it does, with the incidents of the same period. */
function reasons(run: Row, incidents: IncidentRow[]): string[] {
  const out: string[] = [];
  const blamed = incidents.filter((i) => i.causedBy?.id === run.id);
  if (run.changeFailed)
    out.push(
      blamed.length
        ? `failed: ${blamed.map((i) => `“${i.title}” (${attributions[i.attribution].label})`).join(', ')}`
        : 'failed: undone by the rollback that followed',
    );
  if (run.isRollback) out.push('rework: a rollback');
  else if (run.rework) out.push('rework: deployed while an incident on an earlier deployment was open');
  if (run.leadTimeSeconds !== null)
    out.push(`lead time ${duration(run.leadTimeSeconds)} (median of its new commits)`);
  else out.push('no new commits: no lead time');
  if (run.recoverySeconds !== null) out.push(`restored after ${duration(run.recoverySeconds)}`);
  return out;
}

export async function DrillDown(props: {
  bucketStart: string;
  bucketEnd: string;
  /** The page's filter: chosen services (none: all) and team. */
  serviceIds: string[];
  team: string | null;
  timeZone: string;
}) {
  const incidentsTo = new Date(new Date(props.bucketEnd).getTime() + 7 * 86_400_000).toISOString();
  const period = { from: props.bucketStart, to: props.bucketEnd };
  const result = await load(() =>
    Promise.all([
      gql(DrillDownRunsDocument, {
        ...period,
        serviceIds: props.serviceIds.length > 0 ? props.serviceIds : null,
        team: props.team,
      }),
      gql(DrillDownIncidentsDocument, { from: props.bucketStart, to: incidentsTo }),
    ]),
  );
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  const [{ deploymentRuns }, { incidents: allIncidents }] = result.data;
  const runs = deploymentRuns.edges
    .map((e) => e.node)
    .sort((a, b) => (a.finishedAt ?? '').localeCompare(b.finishedAt ?? ''));
  const capped = deploymentRuns.totalCount > runs.length;
  // incidents have no team filter in the API; there are few per period
  const incidents = allIncidents.filter(
    (i) =>
      (props.serviceIds.length === 0 || props.serviceIds.includes(i.service.id)) &&
      (props.team === null || i.service.team === props.team),
  );
  const links = new URLSearchParams(period);
  if (props.serviceIds.length === 1) links.set('service', props.serviceIds[0]!);
  return (
    <section className="panel" aria-label="Drill-down" data-testid="drill-down">
      <h2>
        {dateTime(props.bucketStart, props.timeZone)} – {dateTime(props.bucketEnd, props.timeZone)}
      </h2>
      <p>
        <Link href={`/deployments?${links}`}>All deployment runs of this period</Link> ·{' '}
        <Link href={`/incidents?${links}`}>its incidents</Link>
      </p>
      <h3>Deployments ({runs.length})</h3>
      {runs.length === 0 ? (
        <p className="muted">No production deployments in this bucket.</p>
      ) : (
        <Table columns={['Finished', 'Service', 'Revision', 'Why it counts']}>
          {runs.map((run) => (
            <tr key={run.id} className={run.changeFailed ? 'row-failed' : undefined}>
              <td>{dateTime(run.finishedAt, props.timeZone)}</td>
              <td>{run.service.name}</td>
              <td>
                <code>{short(run.revision?.sha)}</code>
              </td>
              <td>{reasons(run, incidents).join('; ')}</td>
            </tr>
          ))}
        </Table>
      )}
      {capped ? (
        <p className="muted">
          Showing the first 100 deployments; see <Link href={`/deployments?${links}`}>all of them</Link>.
        </p>
      ) : null}
      <h3>Incidents opened in and just after this bucket ({incidents.length})</h3>
      {incidents.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul>
          {incidents.map((i) => (
            <li key={i.id}>
              {i.title} — {i.service.name}, opened {dateTime(i.openedAt, props.timeZone)},{' '}
              {i.resolvedAt ? `resolved ${dateTime(i.resolvedAt, props.timeZone)}` : 'still open'};{' '}
              {i.attribution === 'EXTERNAL' || i.attribution === 'NONE'
                ? attributions[i.attribution].meaning
                : `counts against a deployment (${attributions[i.attribution].label})`}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
