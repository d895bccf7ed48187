import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiProblem, load } from '@/components/api-problem';
import { Badge, StatusBadge } from '@/components/badges';
import { PipelineGraph } from '@/components/pipeline-graph';
import { Table } from '@/components/table';
import { gql } from '@/lib/api';
import { dateTime, short } from '@/lib/format';
import { PipelineDocument } from '@/lib/graphql-operations';
import { executionModes, serviceTypes } from '@/lib/labels';
import { ReleaseForm, TransitionToggle } from './forms';
import { ServiceBoard } from './service-board';

export const metadata: Metadata = { title: 'Pipeline · Lockstep' };
export const dynamic = 'force-dynamic';

export default async function PipelinePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ saved?: string }>;
}) {
  const { id } = await params;
  const { saved } = await searchParams;
  const result = await load(() => gql(PipelineDocument, { id }));
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  const { pipeline: p, viewer } = result.data;
  if (!p) return <p className="panel">No pipeline with id {id}.</p>;
  const admin = viewer.role === 'ADMIN';
  return (
    <section>
      <h1>{p.name}</h1>
      <p className="muted">
        {p.environment ? `environment pipeline of ${p.environment.name} · ` : ''}
        {p.service ? `${p.service.name} · ` : ''}runs {executionModes[p.executionMode]}
        {p.description ? ` · ${p.description}` : ''}
      </p>
      {saved ? (
        <p className="notice" role="status">
          Saved. Runs already in flight keep the definition they started with; the next run uses this one.
        </p>
      ) : null}
      <p>
        <Link href={`/pipelines/${p.id}/edit`}>{admin ? 'Edit pipeline' : 'View definition'}</Link>
      </p>
      <ReleaseForm pipelineId={p.id} />
      <PipelineGraph
        label="Pipeline graph"
        stages={p.stages.map((stage) => ({
          ...stage,
          note: (
            <span className="graph-node-meta">
              {stage.environment ? <Badge tone="none">{stage.environment.name}</Badge> : null}
              {stage.defaultFor ? ` default for ${serviceTypes[stage.defaultFor]}` : ''}
              {` · up to ${stage.maxParallel} at once`}
              {stage.transitionEnabled ? '' : ' · transition off'}
            </span>
          ),
        }))}
      />
      {p.environment ? (
        <ServiceBoard
          key={JSON.stringify(p.stages.map((s) => [s.id, s.services.map((x) => x.id)]))}
          pipelineId={p.id}
          editable={admin}
          stages={p.stages}
        />
      ) : null}
      {p.stages.length > 1 ? (
        <details className="panel">
          <summary>Transitions between stages</summary>
          {p.stages.slice(1).map((stage) => (
            <TransitionToggle
              key={stage.id}
              pipelineId={p.id}
              stageId={stage.id}
              stageName={stage.name}
              enabled={stage.transitionEnabled}
            />
          ))}
        </details>
      ) : null}
      <h2>Runs ({p.runs.totalCount})</h2>
      <Table columns={['#', 'Status', 'Revision', 'Started']}>
        {p.runs.edges.map(({ node: run }) => (
          <tr key={run.id}>
            <td>
              <Link href={`/runs/${run.id}`}>#{run.number}</Link>
            </td>
            <td>
              <StatusBadge status={run.status} />
            </td>
            <td>
              <code>{short(run.revision.sha)}</code> {run.revision.message}
            </td>
            <td>{dateTime(run.createdAt)}</td>
          </tr>
        ))}
      </Table>
    </section>
  );
}
