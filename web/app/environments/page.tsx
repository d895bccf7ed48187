import type { Metadata } from 'next';
import Link from 'next/link';
import { AdminForm } from '@/components/admin-form';
import { ApiProblem, load } from '@/components/api-problem';
import { Table } from '@/components/table';
import { gql } from '@/lib/api';
import { EnvironmentsDocument } from '@/lib/graphql-operations';
import { environmentTiers } from '@/lib/labels';
import { createEnvironmentPipeline, saveEnvironment } from './actions';

export const metadata: Metadata = { title: 'Environments · Lockstep' };
export const dynamic = 'force-dynamic';

function EnvironmentFields({ name = '', tier = 'DEVELOPMENT' }: { name?: string; tier?: string }) {
  return (
    <>
      <label>
        Name
        <input name="name" required defaultValue={name} />
      </label>
      <label>
        Tier
        <select name="tier" defaultValue={tier}>
          {Object.entries(environmentTiers).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

export default async function EnvironmentsPage() {
  const result = await load(() => gql(EnvironmentsDocument));
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  const { environments, viewer } = result.data;
  const admin = viewer.role === 'ADMIN';
  return (
    <section>
      <h1>Environments</h1>
      <p className="muted">
        Where services go. An environment pipeline deploys every service of one environment, stage by stage
        (databases, jobs, containers, applications by default).
      </p>
      {admin ? (
        <AdminForm label="New environment" submit="Create environment" action={saveEnvironment}>
          <EnvironmentFields />
        </AdminForm>
      ) : null}
      <Table columns={admin ? ['Environment', 'Pipeline', 'Edit'] : ['Environment', 'Tier', 'Pipeline']}>
        {environments.map((e) => (
          <tr key={e.id}>
            <td>{e.name}</td>
            {admin ? null : <td>{environmentTiers[e.tier]}</td>}
            <td>
              {e.pipeline ? (
                <Link href={`/pipelines/${e.pipeline.id}`}>{e.pipeline.name}</Link>
              ) : admin ? (
                <AdminForm
                  label={`Pipeline for ${e.name}`}
                  submit="Create environment pipeline"
                  action={createEnvironmentPipeline}
                >
                  <input type="hidden" name="environmentId" value={e.id} />
                </AdminForm>
              ) : (
                '—'
              )}
            </td>
            {admin ? (
              <td>
                <AdminForm
                  key={`${e.name}/${e.tier}`}
                  label={`Edit environment ${e.name}`}
                  submit="Save"
                  action={saveEnvironment}
                >
                  <input type="hidden" name="id" value={e.id} />
                  <EnvironmentFields name={e.name} tier={e.tier} />
                </AdminForm>
              </td>
            ) : null}
          </tr>
        ))}
      </Table>
      {environments.length === 0 ? <p className="panel">No environments yet.</p> : null}
    </section>
  );
}
