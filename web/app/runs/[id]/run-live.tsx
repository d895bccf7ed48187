'use client';

import { createClient, type Client } from 'graphql-ws';
import { FormError } from '@/components/form-error';
import type { ActionResult } from '@/lib/form';
import Link from 'next/link';
import { useActionState, useEffect, useRef, useState } from 'react';
import { StatusBadge } from '@/components/badges';
import { actionKinds, statuses } from '@/lib/labels';
import { dateTime, duration, elapsed } from '@/lib/format';
import {
  ActionLogsDocument,
  RunUpdatedDocument,
  type ActionLogsSubscription,
  type RunViewFragment as RunView,
} from '@/lib/graphql-operations';
import { controlRun } from './actions';

type ActionView = RunView['stages'][number]['actions'][number];

/** Closes after which retrying cannot help: the token was refused (sign in again). */
const refused = new Set([4401, 4403]);

/**
 * One graphql-ws client per page, through the web app's own /live (which adds the signed-in token). It
 * reconnects after any other drop, waiting at most 30 s between tries.
 */
function liveClient(onRefused: () => void): Client {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/live`;
  return createClient({
    url,
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: (event) => {
      const code = (event as { code?: number } | null)?.code;
      if (code !== undefined && refused.has(code)) {
        onRefused();
        return false;
      }
      return true;
    },
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** retries))),
  });
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
  const [live, setLive] = useState<'connecting' | 'live' | 'refused'>('connecting');
  // In state, not a ref: the log views subscribe once the client exists (child effects run first).
  const [client, setClient] = useState<Client | null>(null);

  useEffect(() => {
    const ws = liveClient(() => setLive('refused'));
    setClient(ws);
    const offConnected = ws.on('connected', () => setLive('live'));
    const offClosed = ws.on('closed', () => setLive((state) => (state === 'refused' ? state : 'connecting')));
    const stop = ws.subscribe<{ pipelineRunUpdated: RunView }>(
      { query: RunUpdatedDocument, variables: { id: initial.id } },
      {
        next: ({ data }) => data && setRun(data.pipelineRunUpdated),
        error: () => undefined,
        complete: () => undefined,
      },
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
  // A failed run waits for a manual retry of its failed actions for a while (the API refuses once it has ended).
  const canRetry =
    run.status === 'FAILED' && run.stages.some((s) => s.actions.some((a) => a.status === 'FAILED'));
  return (
    <section data-run-status={run.status}>
      <p className="muted">
        <Link href={`/pipelines/${run.pipeline.id}`}>{run.pipeline.name}</Link> · run #{run.number} ·{' '}
        <span aria-live="polite">
          {live === 'live'
            ? 'live'
            : live === 'refused'
              ? 'live updates stopped: your token was refused, sign in again'
              : 'connecting…'}
        </span>
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
          Now: stage {current.position + 1}, <strong>{current.name}</strong> ({statuses[current.status].label}
          )
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
  client: Client | null;
  until: (finishedAt: string | null) => string;
}) {
  const [showLogs, setShowLogs] = useState(action.status === 'RUNNING' || action.status === 'FAILED');
  // An action that starts running, or fails, while the page is open shows its output too.
  useEffect(() => {
    if (action.status === 'RUNNING' || action.status === 'FAILED') setShowLogs(true);
  }, [action.status]);
  return (
    <li className="action" data-action={action.name} data-action-status={action.status}>
      <div className="action-head">
        <strong>{action.name}</strong> <StatusBadge status={action.status} />{' '}
        <span className="muted">
          {actionKinds[action.kind]}
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
      {showLogs ? <Logs actionRunId={action.id} name={action.name} client={client} /> : null}
    </li>
  );
}

type Line = ActionLogsSubscription['actionLogs'];

/** An action's log, replayed then followed; lines arrive in order and are drawn once per frame. */
function Logs({ actionRunId, name, client }: { actionRunId: string; name: string; client: Client | null }) {
  const [lines, setLines] = useState<Line[]>([]);
  const lastSeq = useRef(0);
  useEffect(() => {
    if (!client) return;
    let pending: Line[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      const batch = pending;
      pending = [];
      setLines((old) => [...old, ...batch]);
    };
    const stop = client.subscribe<ActionLogsSubscription>(
      { query: ActionLogsDocument, variables: { a: actionRunId, after: lastSeq.current } },
      {
        next: ({ data }) => {
          const line = data?.actionLogs;
          if (!line || line.seq <= lastSeq.current) return; // a replay after a reconnect
          lastSeq.current = line.seq;
          pending.push(line);
          frame ||= requestAnimationFrame(flush);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    return () => {
      stop();
      if (frame) cancelAnimationFrame(frame);
      if (pending.length) setLines((old) => [...old, ...pending]);
    };
  }, [actionRunId, client]);
  return (
    <pre className="logs" role="log" aria-label={`Logs of ${name}`}>
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
  const [state, action, pending] = useActionState<ActionResult, FormData>(controlRun, { error: null });
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
      <FormError error={state.error} />
    </form>
  );
}
