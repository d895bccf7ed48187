import type { Metadata } from 'next';
import { AdminForm } from '@/components/admin-form';
import { ApiProblem, load } from '@/components/api-problem';
import { Table } from '@/components/table';
import { gql } from '@/lib/api';
import { ServicesDocument } from '@/lib/graphql-operations';
import { serviceTypes } from '@/lib/labels';
import { saveService } from './actions';

export const metadata: Metadata = { title: 'Services · Lockstep' };
export const dynamic = 'force-dynamic';

function ServiceFields({ name = '', team = '', type = '' }: { name?: string; team?: string; type?: string }) {
  return (
    <>
      <label>
        Name
        <input name="name" required defaultValue={name} />
      </label>
      <label>
        Team
        <input name="team" defaultValue={team} />
      </label>
      <label>
        Type
        <select name="type" defaultValue={type}>
          <option value="">no type (last stage)</option>
          {Object.entries(serviceTypes).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

export default async function ServicesPage() {
  const result = await load(() => gql(ServicesDocument));
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  const { services, viewer } = result.data;
  const admin = viewer.role === 'ADMIN';
  return (
    <section>
      <h1>Services</h1>
      <p className="muted">
        What teams ship. A service’s type picks its stage when an environment pipeline places its Deployments.
      </p>
      {admin ? (
        <AdminForm label="New service" submit="Create service" action={saveService}>
          <ServiceFields />
        </AdminForm>
      ) : null}
      <Table columns={admin ? ['Service', 'Edit'] : ['Service', 'Team', 'Type']}>
        {services.map((s) => (
          <tr key={s.id}>
            {admin ? (
              <>
                <td>{s.name}</td>
                <td>
                  <AdminForm
                    key={`${s.name}/${s.team}/${s.type}`}
                    label={`Edit service ${s.name}`}
                    submit="Save"
                    action={saveService}
                  >
                    <input type="hidden" name="id" value={s.id} />
                    <ServiceFields name={s.name} team={s.team ?? ''} type={s.type ?? ''} />
                  </AdminForm>
                </td>
              </>
            ) : (
              <>
                <td>{s.name}</td>
                <td>{s.team ?? '—'}</td>
                <td>{s.type ? serviceTypes[s.type] : '—'}</td>
              </>
            )}
          </tr>
        ))}
      </Table>
      {services.length === 0 ? <p className="panel">No services yet.</p> : null}
    </section>
  );
}
