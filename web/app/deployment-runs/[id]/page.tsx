import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiProblem, load } from '@/components/api-problem';
import { ApprovalDiff } from '@/components/approval-diff';
import { ApprovalProgress } from '@/components/approval-progress';
import { ArtifactList } from '@/components/artifact-list';
import { Badge, StatusBadge } from '@/components/badges';
import { gql } from '@/lib/api';
import { dateTime, short } from '@/lib/format';
import { DeploymentRunPageDocument } from '@/lib/graphql-operations';
import { RunControl } from '../../runs/[id]/run-control';
import { DeploymentRunLive } from './deployment-run-live';

export const metadata: Metadata = { title: 'Deployment run · Lockstep' };
export const dynamic = 'force-dynamic';

const finished = (status: string) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(status);

/** One Deployment Run: what it deploys where, its plan approval (with what it approves), its logs live. */
export default async function DeploymentRunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const result = await load(() => gql(DeploymentRunPageDocument, { id }));
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  const d = result.data.deploymentRun;
  if (!d) return <p className="panel">No deployment run with id {id}.</p>;
  return (
    <section data-deployment-status={d.status}>
      <p className="muted">
        {d.pipelineRun ? (
          <Link href={`/runs/${d.pipelineRun.id}`}>
            {d.pipelineRun.pipeline.name} run #{d.pipelineRun.number}
          </Link>
        ) : d.external ? (
          'reported from outside'
        ) : (
          'run alone'
        )}
        {d.deployment ? ` · deployment ${d.deployment.name}` : ''}
      </p>
      <h1>
        {d.service.name} → {d.environment.name} <StatusBadge status={d.status} />
        {d.isRollback ? <Badge tone="none">rollback</Badge> : null}
      </h1>
      <p>
        <code>{short(d.revision?.sha, 12)}</code> {d.revision?.message ?? ''} · started{' '}
        {dateTime(d.startedAt)}
        {d.finishedAt ? ` · finished ${dateTime(d.finishedAt)}` : ''}
      </p>
      {d.failureReason ? <p className="error">{d.failureReason}</p> : null}
      {!d.pipelineRun && !d.external && (d.status === 'RUNNING' || d.status === 'WAITING') ? (
        // One of a pipeline run is cancelled with its run (cancelRun), from the run's page.
        <RunControl
          intent="cancelDeploymentRun"
          target={d.id}
          label="Cancel deployment run"
          comment="Reason"
        />
      ) : null}
      <h2>Artifacts</h2>
      {d.artifacts.length > 0 ? (
        <ArtifactList artifacts={d.artifacts} label="Artifacts it deploys" />
      ) : (
        <p className="muted">none recorded</p>
      )}
      {d.deployment?.requirePlanApproval ? (
        <>
          <h2>Plan approval</h2>
          {d.status === 'WAITING' ? (
            <div className="gate" role="group" aria-label="Plan approval">
              {d.approvalRequest ? <ApprovalDiff request={d.approvalRequest} /> : null}
              <div className="gate-controls">
                <ApprovalProgress
                  approved={d.planApprovals.filter((a) => a.approved).length}
                  required={d.requiredPlanApprovals ?? 1}
                />
                <RunControl intent="approvePlan" target={d.id} label="Approve plan" comment="Comment" />
                <RunControl intent="rejectPlan" target={d.id} label="Reject plan" comment="Comment" />
              </div>
            </div>
          ) : null}
          <ul className="approvals">
            {d.planApprovals.map((a, i) => (
              <li key={i}>
                {a.approved ? 'approved' : 'rejected'} by {a.principal.name} {dateTime(a.at)}
                {a.comment ? `: “${a.comment}”` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>Commits</h2>
      <ul className="commits">
        {d.commits.map((c) => (
          <li key={c.sha}>
            <code>{short(c.sha)}</code> {c.message ?? ''} <span className="muted">{c.author ?? ''}</span>
          </li>
        ))}
      </ul>
      <h2>Logs</h2>
      <DeploymentRunLive id={d.id} finished={finished(d.status)} />
    </section>
  );
}
