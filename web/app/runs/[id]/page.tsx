import type { Metadata } from 'next';
import { ApiProblem, load } from '@/components/api-problem';
import { gql } from '@/lib/api';
import { RunDocument } from '@/lib/graphql-operations';
import { RunLive } from './run-live';

export const metadata: Metadata = { title: 'Run · Lockstep' };
export const dynamic = 'force-dynamic';

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const result = await load(() => gql(RunDocument, { id }));
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  if (!result.data.pipelineRun) return <p className="panel">No run with id {id}.</p>;
  return <RunLive initial={result.data.pipelineRun} renderedAt={Date.now()} role={result.data.viewer.role} />;
}
