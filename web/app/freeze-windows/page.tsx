import type { Metadata } from 'next';
import { AdminForm } from '@/components/admin-form';
import { ApiProblem, load } from '@/components/api-problem';
import { Table } from '@/components/table';
import { gql } from '@/lib/api';
import { dateTime } from '@/lib/format';
import { FreezeWindowsDocument } from '@/lib/graphql-operations';
import { createFreezeWindow, deleteFreezeWindow } from './actions';

export const metadata: Metadata = { title: 'Freeze windows · Lockstep' };
export const dynamic = 'force-dynamic';

/** Freeze windows: when no run may enter a stage of an environment (docs/run-semantics.md). */
export default async function FreezeWindowsPage() {
  const result = await load(() => gql(FreezeWindowsDocument));
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  const { freezeWindows, environments, viewer } = result.data;
  const admin = viewer.role === 'ADMIN';
  return (
    <section>
      <h1>Freeze windows</h1>
      <p className="muted">
        While a window is active, a run entering a stage of its environment waits there, and goes on by itself
        when the window ends. A window without an environment covers every production-tier environment. An
        ADMIN may let one run through, with a reason, from the run&apos;s page. Times are UTC.
      </p>
      {admin ? (
        <AdminForm label="New freeze window" submit="Create freeze window" action={createFreezeWindow}>
          <label>
            Name
            <input name="name" required />
          </label>
          <label>
            Environment
            <select name="environmentId" defaultValue="">
              <option value="">Every production environment</option>
              {environments.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Starts (UTC)
            <input name="startsAt" type="datetime-local" required />
          </label>
          <label>
            Ends (UTC)
            <input name="endsAt" type="datetime-local" required />
          </label>
          <label>
            Reason
            <input name="reason" />
          </label>
        </AdminForm>
      ) : null}
      <Table
        columns={[
          'Window',
          'Environment',
          'Starts',
          'Ends',
          'Reason',
          'Created by',
          ...(admin ? ['Delete'] : []),
        ]}
      >
        {freezeWindows.map((w) => (
          <tr key={w.id}>
            <td>{w.name}</td>
            <td>{w.environment ? w.environment.name : 'every production environment'}</td>
            <td>{dateTime(w.startsAt)}</td>
            <td>{dateTime(w.endsAt)}</td>
            <td>{w.reason ?? '—'}</td>
            <td>{w.createdBy.name}</td>
            {admin ? (
              <td>
                <AdminForm
                  label={`Delete freeze window ${w.name}`}
                  submit="Delete"
                  action={deleteFreezeWindow}
                >
                  <input type="hidden" name="id" value={w.id} />
                </AdminForm>
              </td>
            ) : null}
          </tr>
        ))}
      </Table>
      {freezeWindows.length === 0 ? <p className="panel">No freeze windows.</p> : null}
    </section>
  );
}
