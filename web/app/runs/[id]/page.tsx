import type { Metadata } from 'next';
import { ApiProblem, load } from '@/components/api-problem';
import { gql } from '@/lib/api';
import { RunLive } from './run-live';
import { runFields, type RunView } from './run-query';

export const metadata: Metadata = { title: 'Run · Lockstep' };
export const dynamic = 'force-dynamic';

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const result = await load(() =>
    gql<{ pipelineRun: RunView | null }>(`query($id: ID!) { pipelineRun(id: $id) { ${runFields} } }`, { id }),
  );
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  if (!result.data.pipelineRun) return <p className="panel">No run with id {id}.</p>;
  return <RunLive initial={result.data.pipelineRun} renderedAt={Date.now()} />;
}
