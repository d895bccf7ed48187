import type { Client } from 'graphql-ws';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { ApprovalDiff } from '@/components/approval-diff';
import { ApprovalProgress } from '@/components/approval-progress';
import { ArtifactList } from '@/components/artifact-list';
import { StatusBadge } from '@/components/badges';
import { dateTime } from '@/lib/format';
import type { ActionKind, ActionStatus } from '@/lib/graphql-types';
import type { RunViewFragment } from '@/lib/graphql-operations';
import { actionKinds } from '@/lib/labels';
import { ActionLogs } from './action-logs';
import { RunControl } from './run-control';

type ActionView = RunViewFragment['stages'][number]['actions'][number];

/** Kinds that write a log; an approval or a wait has none. */
const logged = new Set<ActionKind>(['COMMAND', 'HTTP', 'DEPLOYMENT']);
/** After one of these, the action writes no more lines. */
const finishedActionStatuses = new Set<ActionStatus>([
  'SUCCEEDED',
  'FAILED',
  'REJECTED',
  'CANCELLED',
  'SKIPPED',
  'TIMED_OUT',
]);
/** Statuses whose output matters now: it is running, or it failed. */
const showsLogs = (status: ActionStatus) => status === 'RUNNING' || status === 'FAILED';

/**
 * One action of a run: status, duration, attempts' errors, the approval gate with what it approves beside
 * its buttons, its Deployment Run, what it published (or reused), outputs and logs.
 */
export function ActionItem({
  action,
  client,
  took,
}: {
  action: ActionView;
  client: Client | null;
  /** How long it has run (to now while it runs); null before it starts. */
  took: (startedAt: string | null, finishedAt: string | null) => string | null;
}) {
  const [showLogs, setShowLogs] = useState(showsLogs(action.status));
  // An action that starts running, or fails, while the page is open shows its output too.
  useEffect(() => {
    if (showsLogs(action.status)) setShowLogs(true);
  }, [action.status]);
  const ran = took(action.startedAt, action.finishedAt);
  const failures = action.attempts.filter((a) => a.error);
  const outputs = Object.entries((action.outputs ?? {}) as Record<string, unknown>);
  return (
    <li className="action" data-action={action.name} data-action-status={action.status}>
      <div className="action-head">
        <strong>{action.name}</strong> <StatusBadge status={action.status} />{' '}
        <span className="muted">
          {actionKinds[action.kind]}
          {ran ? ` · ${ran}` : ''}
          {action.attempts.length > 1 ? ` · ${action.attempts.length} attempts` : ''}
        </span>
        {logged.has(action.kind) && !action.reusedFrom ? (
          <button
            type="button"
            className="link"
            onClick={() => setShowLogs((v) => !v)}
            aria-expanded={showLogs}
          >
            {showLogs ? 'Hide logs' : 'Show logs'}
          </button>
        ) : null}
      </div>
      {failures.length > 0 ? (
        <ul className="attempts">
          {failures.map((a) => (
            <li key={a.number} className="error">
              attempt {a.number}: {a.error}
            </li>
          ))}
        </ul>
      ) : null}
      {action.skipReason ? <p className="muted">{action.skipReason}</p> : null}
      {action.status === 'WAITING_FOR_APPROVAL' ? (
        <div className="gate" role="group" aria-label={`Approval for ${action.name}`}>
          {action.approvalRequest ? <ApprovalDiff request={action.approvalRequest} /> : null}
          {action.kind !== 'DEPLOYMENT' ? (
            <div className="gate-controls">
              <RunControl intent="approve" target={action.id} label="Approve" comment="Comment" />
              <RunControl intent="reject" target={action.id} label="Reject" comment="Comment" />
            </div>
          ) : action.deploymentRun ? (
            // A DEPLOYMENT action waits on its deployment run's plan: decisions go to that run.
            <div className="gate-controls">
              <ApprovalProgress
                approved={action.deploymentRun.planApprovals.filter((a) => a.approved).length}
                required={action.deploymentRun.requiredPlanApprovals ?? 1}
              />
              <RunControl
                intent="approvePlan"
                target={action.deploymentRun.id}
                label="Approve plan"
                comment="Comment"
              />
              <RunControl
                intent="rejectPlan"
                target={action.deploymentRun.id}
                label="Reject plan"
                comment="Comment"
              />
            </div>
          ) : (
            <p className="muted">Waiting for its deployment run…</p>
          )}
        </div>
      ) : action.approvalRequest?.expired ? (
        <div className="gate">
          <ApprovalDiff request={action.approvalRequest} />
        </div>
      ) : null}
      {action.deploymentRun ? (
        <p>
          <Link href={`/deployment-runs/${action.deploymentRun.id}`}>Deployment run</Link>{' '}
          <StatusBadge status={action.deploymentRun.status} />
        </p>
      ) : null}
      <ArtifactList artifacts={action.artifacts} label={`Artifacts of ${action.name}`} />
      {action.approvals.length > 0 ? (
        <ul className="approvals">
          {action.approvals.map((a, i) => (
            <li key={i}>
              {a.approved ? 'approved' : 'rejected'} by {a.principal.name} {dateTime(a.at)}
              {a.comment ? `: “${a.comment}”` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {outputs.length > 0 ? (
        <dl className="outputs">
          {outputs.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>
                <code>{String(v)}</code>
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {showLogs ? (
        <ActionLogs
          actionRunId={action.id}
          name={action.name}
          client={client}
          running={!finishedActionStatuses.has(action.status)}
        />
      ) : null}
    </li>
  );
}
