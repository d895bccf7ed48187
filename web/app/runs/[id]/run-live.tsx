'use client';

import type { Client } from 'graphql-ws';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { ArtifactList } from '@/components/artifact-list';
import { Badge, StatusBadge } from '@/components/badges';
import { PipelineGraph } from '@/components/pipeline-graph';
import { dateTime, duration, elapsed, short } from '@/lib/format';
import { RunUpdatedDocument, type RunViewFragment as RunView } from '@/lib/graphql-operations';
import type { Role, RunStatus } from '@/lib/graphql-types';
import { statuses } from '@/lib/labels';
import { may } from '@/lib/roles';
import { ActionItem } from './action-item';
import { FreezeHold } from './freeze-hold';
import { HoldControls } from './hold-controls';
import { follow, liveClient } from './live-client';
import { RerunControl } from './rerun-control';

const finished = (status: RunStatus) => ['SUCCEEDED', 'FAILED', 'CANCELLED', 'SUPERSEDED'].includes(status);

const liveness = {
  connecting: 'connecting…',
  live: 'live',
  refused: 'live updates stopped: your token was refused, sign in again',
} as const;

/** A run as it happens: the server's first read, then every change through the /live subscription. */
export function RunLive({
  initial,
  renderedAt,
  role,
}: {
  initial: RunView;
  renderedAt: number;
  /** The viewer's role: which decisions the page offers. */
  role: Role;
}) {
  const [run, setRun] = useState(initial);
  // Durations of what still runs count to this clock: the server's render time first (so the page hydrates
  // with the same text), then ticking each second.
  const [now, setNow] = useState(renderedAt);
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, []);
  const took = (startedAt: string | null, finishedAt: string | null) =>
    startedAt ? duration(elapsed(startedAt, finishedAt ?? new Date(now).toISOString())) : null;
  const [live, setLive] = useState<keyof typeof liveness>('connecting');
  // In state, not a ref: the log views subscribe once the client exists (child effects run first).
  const [client, setClient] = useState<Client | null>(null);

  useEffect(() => {
    const ws = liveClient(() => setLive('refused'));
    setClient(ws);
    const offConnected = ws.on('connected', () => setLive('live'));
    const offClosed = ws.on('closed', () => setLive((state) => (state === 'refused' ? state : 'connecting')));
    const stop = follow(ws, RunUpdatedDocument, { id: initial.id }, (data) =>
      setRun(data.pipelineRunUpdated),
    );
    return () => {
      stop();
      offConnected();
      offClosed();
      setClient(null);
      void ws.dispose();
    };
  }, [initial.id]);

  const current = run.stages.find((s) => s.id === run.currentStage?.id);
  const ran = took(run.startedAt, run.finishedAt);
  const admin = role === 'ADMIN';
  return (
    <section data-run-status={run.status}>
      <p className="muted">
        <Link href={`/pipelines/${run.pipeline.id}`}>{run.pipeline.name}</Link> · run #{run.number} ·{' '}
        <span aria-live="polite">{liveness[live]}</span>
      </p>
      <h1>
        Run #{run.number} <StatusBadge status={run.status} />
        {run.isRollback ? <Badge tone="none">rollback</Badge> : null}
      </h1>
      <p>
        <code>{short(run.revision.sha, 12)}</code> {run.revision.message} · started{' '}
        {dateTime(run.startedAt ?? run.createdAt)}
        {ran ? ` · ${ran}` : ''}
        {run.promotedFrom ? (
          <>
            {' '}
            · promoted from{' '}
            <Link href={`/runs/${run.promotedFrom.id}`}>
              {run.promotedFrom.pipeline.name} run #{run.promotedFrom.number}
            </Link>
          </>
        ) : null}
      </p>
      <ArtifactList artifacts={run.artifacts} label="Artifacts of the run" />
      {run.failureReason ? <p className="error">{run.failureReason}</p> : null}
      {current && !finished(run.status) ? (
        <p className="current" aria-live="polite">
          Now: stage {current.position + 1}, <strong>{current.name}</strong>{' '}
          {`(${statuses[current.status].label})`}
        </p>
      ) : null}
      {!finished(run.status) && run.freezeWindowsHolding.length > 0 ? (
        <FreezeHold runId={run.id} windows={run.freezeWindowsHolding} admin={admin} />
      ) : null}
      <HoldControls run={run} role={role} ended={finished(run.status)} />
      <PipelineGraph label="Run graph" stages={run.stages} currentStageId={run.currentStage?.id} />
      <ol className="stages">
        {run.stages.map((stage) => (
          <li
            key={stage.id}
            className={`stage${stage.id === run.currentStage?.id ? ' is-current' : ''}`}
            aria-current={stage.id === run.currentStage?.id ? 'step' : undefined}
            data-stage-status={stage.status}
          >
            <h2>
              {stage.position + 1}. {stage.name} <StatusBadge status={stage.status} />
              <span className="muted"> {took(stage.startedAt, stage.finishedAt) ?? ''}</span>
            </h2>
            {finished(run.status) && may(role, 'OPERATOR') ? (
              <RerunControl runId={run.id} stageRunId={stage.id} first={stage.position === 0} />
            ) : null}
            {stage.deploymentRun ? (
              <p>
                <Link href={`/deployment-runs/${stage.deploymentRun.id}`}>Deployment run</Link>{' '}
                <StatusBadge status={stage.deploymentRun.status} />
              </p>
            ) : null}
            <ul>
              {stage.actions.map((action) => (
                <ActionItem key={action.id} action={action} client={client} took={took} />
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
