'use client';

import { createClient, type Client } from 'graphql-ws';
import Link from 'next/link';
import { useActionState, useEffect, useRef, useState } from 'react';
import { StatusBadge } from '@/components/status-badge';
import { dateTime, duration, elapsed } from '@/lib/format';
import type { LogLine } from '@/lib/graphql-types';
import { controlRun, type ControlState } from './actions';
import { runFields, type RunView } from './run-query';

type ActionView = RunView['stages'][number]['actions'][number];

/** One graphql-ws client per page, through the web app's own /live (which adds the signed-in token). */
function liveClient(): Client {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/live`;
  return createClient({ url, retryAttempts: Infinity, shouldRetry: () => true, lazy: true });
}

const finished = (status: string) => ['SUCCEEDED', 'FAILED', 'CANCELLED', 'SUPERSEDED'].includes(status);

export function RunLive({ initial, renderedAt }: { initial: RunView; renderedAt: number }) {
  const [run, setRun] = useState(initial);
  // Durations of what still runs count to this clock: the server's render time first (so the page hydrates
  // with the same text), then ticking each second.
  const [now, setNow] = useState(renderedAt);
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, []);
  const until = (finishedAt: string | null) => finishedAt ?? new Date(now).toISOString();
  const [connected, setConnected] = useState(false);
  const client = useRef<Client | null>(null);

  useEffect(() => {
    const ws = liveClient();
    client.current = ws;
    const off = ws.on('connected', () => setConnected(true));
    const offClosed = ws.on('closed', () => setConnected(false));
    const stop = ws.subscribe<{ pipelineRunUpdated: RunView }>(
      {
        query: `subscription($id: ID!) { pipelineRunUpdated(runId: $id) { ${runFields} } }`,
        variables: { id: initial.id },
      },
      {
        next: ({ data }) => data && setRun(data.pipelineRunUpdated),
        error: () => setConnected(false),
        complete: () => undefined,
      },
    );
    return () => {
      stop();
      off();
      offClosed();
      void ws.dispose();
    };
  }, [initial.id]);

  const current = run.stages.find((s) => s.id === run.currentStage?.id);
  // A failed run waits for a manual retry of its failed actions for a while (the API refuses once it has ended).
  const canRetry =
    run.status === 'FAILED' && run.stages.some((s) => s.actions.some((a) => a.status === 'FAILED'));
  return (
    <section data-run-status={run.status}>
      <p className="muted">
        <Link href={`/pipelines/${run.pipeline.id}`}>{run.pipeline.name}</Link> · run #{run.number} ·{' '}
        <span aria-live="polite">{connected ? 'live' : 'connecting…'}</span>
      </p>
      <h1>
        Run #{run.number} <StatusBadge status={run.status} />
      </h1>
      <p>
        <code>{run.revision.sha.slice(0, 12)}</code> {run.revision.message} · started{' '}
        {dateTime(run.startedAt ?? run.createdAt)}
        {run.startedAt ? ` · ${duration(elapsed(run.startedAt, until(run.finishedAt)))}` : ''}
      </p>
      {run.failureReason ? <p className="error">{run.failureReason}</p> : null}
      {current && !finished(run.status) ? (
        <p className="current" aria-live="polite">
          Now: stage {current.position + 1}, <strong>{current.name}</strong> (
          {current.status.toLowerCase().replace(/_/g, ' ')})
        </p>
      ) : null}
      <div className="controls">
        {canRetry ? <Control intent="retry" target={run.id} label="Retry failed actions" /> : null}
        {!finished(run.status) ? (
          <Control intent="cancel" target={run.id} label="Cancel run" comment="Reason" />
        ) : null}
      </div>
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
              <span className="muted">
                {' '}
                {stage.startedAt ? duration(elapsed(stage.startedAt, until(stage.finishedAt))) : ''}
              </span>
            </h2>
            <ul>
              {stage.actions.map((action) => (
                <ActionItem key={action.id} action={action} client={client} until={until} />
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}

function ActionItem({
  action,
  client,
  until,
}: {
  action: ActionView;
  client: React.RefObject<Client | null>;
  until: (finishedAt: string | null) => string;
}) {
  const [showLogs, setShowLogs] = useState(action.status === 'RUNNING' || action.status === 'FAILED');
  return (
    <li className="action" data-action={action.name} data-action-status={action.status}>
      <div className="action-head">
        <strong>{action.name}</strong> <StatusBadge status={action.status} />{' '}
        <span className="muted">
          {action.kind.toLowerCase()}
          {action.startedAt ? ` · ${duration(elapsed(action.startedAt, until(action.finishedAt)))}` : ''}
          {action.attempts.length > 1 ? ` · ${action.attempts.length} attempts` : ''}
        </span>
        {action.kind === 'COMMAND' || action.kind === 'HTTP' || action.kind === 'DEPLOYMENT' ? (
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
      {action.attempts.some((a) => a.error) ? (
        <ul className="attempts">
          {action.attempts
            .filter((a) => a.error)
            .map((a) => (
              <li key={a.number} className="error">
                attempt {a.number}: {a.error}
              </li>
            ))}
        </ul>
      ) : null}
      {action.status === 'WAITING_FOR_APPROVAL' ? (
        <div className="gate" role="group" aria-label={`Approval for ${action.name}`}>
          <Control intent="approve" target={action.id} label="Approve" comment="Comment" />
          <Control intent="reject" target={action.id} label="Reject" comment="Comment" />
        </div>
      ) : null}
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
      {action.outputs && Object.keys(action.outputs).length > 0 ? (
        <dl className="outputs">
          {Object.entries(action.outputs as Record<string, unknown>).map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>
                <code>{String(v)}</code>
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {showLogs ? <Logs actionRunId={action.id} client={client} /> : null}
    </li>
  );
}

function Logs({ actionRunId, client }: { actionRunId: string; client: React.RefObject<Client | null> }) {
  const [lines, setLines] = useState<Array<Pick<LogLine, 'seq' | 'stream' | 'text'>>>([]);
  useEffect(() => {
    const ws = client.current;
    if (!ws) return;
    return ws.subscribe<{ actionLogs: Pick<LogLine, 'seq' | 'stream' | 'text'> }>(
      {
        query: `subscription($a: ID!) { actionLogs(actionRunId: $a, afterSeq: 0) { seq stream text } }`,
        variables: { a: actionRunId },
      },
      {
        next: ({ data }) => {
          const line = data?.actionLogs;
          if (line) setLines((old) => (old.some((l) => l.seq === line.seq) ? old : [...old, line]));
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
  }, [actionRunId, client]);
  return (
    <pre className="logs" aria-label="Logs" aria-live="off">
      {lines.length === 0 ? (
        <span className="muted">no output yet</span>
      ) : (
        lines.map((l) => (
          <span key={l.seq} className={l.stream === 'stderr' ? 'stderr' : undefined}>
            {l.text}
            {'\n'}
          </span>
        ))
      )}
    </pre>
  );
}

function Control({
  intent,
  target,
  label,
  comment,
}: {
  intent: string;
  target: string;
  label: string;
  comment?: string;
}) {
  const [state, action, pending] = useActionState<ControlState, FormData>(controlRun, { error: null });
  return (
    <form action={action} className="inline-form">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="target" value={target} />
      {comment ? (
        <label>
          {comment}
          <input name="comment" />
        </label>
      ) : null}
      <button
        type="submit"
        disabled={pending}
        className={intent === 'reject' || intent === 'cancel' ? 'danger' : undefined}
      >
        {pending ? '…' : label}
      </button>
      {state.error ? (
        <p role="alert" className="error">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
