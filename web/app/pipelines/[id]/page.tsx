import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiProblem, load } from '@/components/api-problem';
import { Badge, StatusBadge } from '@/components/badges';
import { Table } from '@/components/table';
import { gql } from '@/lib/api';
import { dateTime, short } from '@/lib/format';
import { PipelineDocument } from '@/lib/graphql-operations';
import { actionKinds, executionModes } from '@/lib/labels';
import { ReleaseForm, TransitionToggle } from './forms';

export const metadata: Metadata = { title: 'Pipeline · Lockstep' };
export const dynamic = 'force-dynamic';

/** Actions grouped by run order: one group runs in parallel (up to maxParallel), groups run in order. */
function groups<T extends { runOrder: number }>(actions: T[]): T[][] {
  const byOrder = new Map<number, T[]>();
  for (const action of actions)
    byOrder.set(action.runOrder, [...(byOrder.get(action.runOrder) ?? []), action]);
  return [...byOrder.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}

export default async function PipelinePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const result = await load(() => gql(PipelineDocument, { id }));
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  const p = result.data.pipeline;
  if (!p) return <p className="panel">No pipeline with id {id}.</p>;
  return (
    <section>
      <h1>{p.name}</h1>
      <p className="muted">
        {p.service ? `${p.service.name} · ` : ''}runs {executionModes[p.executionMode]}
        {p.description ? ` · ${p.description}` : ''}
      </p>
      <ReleaseForm pipelineId={p.id} />
      <ol className="stages" aria-label="Stages">
        {p.stages.map((stage) => (
          <li key={stage.id} className="stage">
            <h2>
              {stage.position + 1}. {stage.name}
              {stage.environment ? <Badge tone="none"> {stage.environment.name}</Badge> : null}
            </h2>
            {stage.position > 0 ? (
              <TransitionToggle
                pipelineId={p.id}
                stageId={stage.id}
                stageName={stage.name}
                enabled={stage.transitionEnabled}
              />
            ) : null}
            {groups(stage.actions).map((group, g) => (
              <div
                key={g}
                className="group"
                aria-label={`Group ${g + 1}${group.length > 1 ? ', parallel' : ''}`}
              >
                {group.length > 1 ? (
                  <span className="muted">parallel (up to {stage.maxParallel})</span>
                ) : null}
                <ul>
                  {group.map((action) => (
                    <li key={action.id} className={`action kind-${action.kind.toLowerCase()}`}>
                      {action.name} <span className="muted">{actionKinds[action.kind]}</span>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </li>
        ))}
      </ol>
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
