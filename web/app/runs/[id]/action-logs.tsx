import type { Client } from 'graphql-ws';
import { useEffect, useRef, useState } from 'react';
import { ActionLogsDocument, type ActionLogsSubscription } from '@/lib/graphql-operations';
import { follow } from './live-client';

type Line = ActionLogsSubscription['actionLogs'];

/** An action's log, replayed then followed; lines arrive in order and are drawn once per frame. */
export function ActionLogs({
  actionRunId,
  name,
  client,
}: {
  actionRunId: string;
  name: string;
  client: Client | null;
}) {
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
    const stop = follow(
      client,
      ActionLogsDocument,
      { a: actionRunId, after: lastSeq.current },
      ({ actionLogs: line }) => {
        if (line.seq <= lastSeq.current) return; // a replay after a reconnect
        lastSeq.current = line.seq;
        pending.push(line);
        frame ||= requestAnimationFrame(flush);
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
