import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiProblem, load } from '@/components/api-problem';
import { Table } from '@/components/table';
import { gql } from '@/lib/api';
import { PipelinesDocument } from '@/lib/graphql-operations';
import { executionModes } from '@/lib/labels';

export const metadata: Metadata = { title: 'Pipelines · Lockstep' };
export const dynamic = 'force-dynamic';

export default async function PipelinesPage() {
  const result = await load(() => gql(PipelinesDocument));
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  const pipelines = result.data.pipelines.edges.map((e) => e.node);
  return (
    <section>
      <h1>Pipelines</h1>
      <p>
        <Link href="/pipelines/new">New pipeline</Link> · an environment’s pipeline is created from{' '}
        <Link href="/environments">Environments</Link>
      </p>
      {pipelines.length === 0 ? (
        <p className="panel">No pipelines yet.</p>
      ) : (
        <Table columns={['Name', 'Service', 'Stages', 'Execution']}>
          {pipelines.map((p) => (
            <tr key={p.id}>
              <td>
                <Link href={`/pipelines/${p.id}`}>{p.name}</Link>
                {p.description ? <div className="muted">{p.description}</div> : null}
              </td>
              <td>{p.service?.name ?? '—'}</td>
              <td>{p.stages.length}</td>
              <td>{executionModes[p.executionMode]}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
