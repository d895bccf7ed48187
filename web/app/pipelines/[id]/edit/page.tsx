import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiProblem, load } from '@/components/api-problem';
import { gql } from '@/lib/api';
import { EditPipelineDocument } from '@/lib/graphql-operations';
import { EditorLoader } from '../../editor/editor-loader';
import { draftOf } from '../../editor/editor-model';

export const metadata: Metadata = { title: 'Edit pipeline · Lockstep' };
export const dynamic = 'force-dynamic';

export default async function EditPipelinePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const result = await load(() => gql(EditPipelineDocument, { id }));
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  const { viewer, services, environments, deployments, pipeline } = result.data;
  if (!pipeline) return <p className="panel">No pipeline with id {id}.</p>;
  const admin = viewer.role === 'ADMIN';
  return (
    <section>
      <p className="muted">
        <Link href={`/pipelines/${pipeline.id}`}>{pipeline.name}</Link>
        {pipeline.environment ? ` · environment pipeline of ${pipeline.environment.name}` : ''}
      </p>
      <h1>{admin ? 'Edit pipeline' : 'Pipeline definition'}</h1>
      <EditorLoader
        pipelineId={pipeline.id}
        initial={draftOf(pipeline)}
        environmentPipeline={!!pipeline.environment}
        readOnly={!admin}
        services={services}
        environments={environments}
        deployments={deployments}
      />
    </section>
  );
}
