import type { Metadata } from 'next';
import { ApiProblem, load } from '@/components/api-problem';
import { gql } from '@/lib/api';
import { NewPipelineDocument } from '@/lib/graphql-operations';
import { EditorLoader } from '../editor/editor-loader';

export const metadata: Metadata = { title: 'New pipeline · Lockstep' };
export const dynamic = 'force-dynamic';

export default async function NewPipelinePage() {
  const result = await load(() => gql(NewPipelineDocument));
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  const { viewer, services, environments, deployments } = result.data;
  return (
    <section>
      <h1>New pipeline</h1>
      <EditorLoader
        pipelineId={null}
        initial={null}
        environmentPipeline={false}
        readOnly={viewer.role !== 'ADMIN'}
        services={services}
        environments={environments}
        deployments={deployments}
      />
    </section>
  );
}
