import type { Metadata } from 'next';
import Link from 'next/link';
import { AdminForm } from '@/components/admin-form';
import { ApiProblem, load } from '@/components/api-problem';
import { Table } from '@/components/table';
import { gql } from '@/lib/api';
import { ManageDeploymentsDocument } from '@/lib/graphql-operations';
import { deleteDeployment, saveDeployment } from './actions';

export const metadata: Metadata = { title: 'Manage Deployments · Lockstep' };
export const dynamic = 'force-dynamic';

type Choice = { id: string; name: string };

function DeploymentFields(props: {
  services: Choice[];
  environments: Choice[];
  value?: {
    name: string;
    service: Choice;
    environment: Choice;
    planCommand: string | null;
    applyCommand: string;
    requirePlanApproval: boolean;
  };
}) {
  const v = props.value;
  return (
    <>
      <label>
        Name
        <input name="name" required defaultValue={v?.name} />
      </label>
      <label>
        Service
        <select name="serviceId" required defaultValue={v?.service.id}>
          {props.services.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Environment
        <select name="environmentId" required defaultValue={v?.environment.id}>
          {props.environments.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Plan command
        <input name="planCommand" defaultValue={v?.planCommand ?? ''} placeholder="optional" />
      </label>
      <label>
        Apply command
        <input name="applyCommand" required defaultValue={v?.applyCommand} />
      </label>
      <label className="check">
        <input type="checkbox" name="requirePlanApproval" defaultChecked={v?.requirePlanApproval} />
        Plan needs approval
      </label>
    </>
  );
}

export default async function ManageDeploymentsPage() {
  const result = await load(() => gql(ManageDeploymentsDocument));
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  const { deployments, services, environments, viewer } = result.data;
  const admin = viewer.role === 'ADMIN';
  return (
    <section>
      <h1>Manage Deployments</h1>
      <p className="muted">
        A Deployment puts one service into one environment (plan, optional approval, apply); any pipeline can
        run it. One created for an environment with a pipeline joins that pipeline in its service’s stage.{' '}
        <Link href="/deployments">Deployment runs</Link>
      </p>
      {admin ? (
        services.length === 0 || environments.length === 0 ? (
          <p className="panel">
            A Deployment needs a <Link href="/services">service</Link> and an{' '}
            <Link href="/environments">environment</Link> first.
          </p>
        ) : (
          <AdminForm label="New Deployment" submit="Create Deployment" action={saveDeployment}>
            <DeploymentFields services={services} environments={environments} />
          </AdminForm>
        )
      ) : null}
      <Table columns={admin ? ['Deployment', 'Edit'] : ['Deployment', 'Service', 'Environment', 'Apply']}>
        {deployments.map((d) => (
          <tr key={d.id}>
            <td>
              {d.name}
              <div className="muted">
                {d.service.name} → {d.environment.name}
              </div>
            </td>
            {admin ? (
              <td>
                <AdminForm
                  key={JSON.stringify(d)}
                  label={`Edit Deployment ${d.name}`}
                  submit="Save"
                  action={saveDeployment}
                >
                  <input type="hidden" name="id" value={d.id} />
                  <DeploymentFields services={services} environments={environments} value={d} />
                </AdminForm>
                <AdminForm label={`Delete Deployment ${d.name}`} submit="Delete" action={deleteDeployment}>
                  <input type="hidden" name="id" value={d.id} />
                </AdminForm>
              </td>
            ) : (
              <>
                <td>{d.service.name}</td>
                <td>{d.environment.name}</td>
                <td>
                  <code>{d.applyCommand}</code>
                </td>
              </>
            )}
          </tr>
        ))}
      </Table>
      {deployments.length === 0 ? <p className="panel">No Deployments yet.</p> : null}
    </section>
  );
}
