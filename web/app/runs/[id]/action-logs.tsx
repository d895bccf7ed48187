import type { Client } from 'graphql-ws';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ActionLogsDocument, type ActionLogsSubscription } from '@/lib/graphql-operations';
import { follow } from './live-client';

type Line = ActionLogsSubscription['actionLogs'];
interface Page {
  total: number;
  lines: Line[];
}

/** Lines per page when paging; the API serves up to 5,000 at once. */
const pageSize = 1000;
/** Lines kept on screen while following: older ones scroll off the top (they stay a page away). */
const followWindow = 2000;

/** A page of the log through the web app's own /logs route, which reads it with the session's token. */
async function fetchPage(actionRunId: string, after: number, limit = pageSize): Promise<Page> {
  const response = await fetch(`/logs/${actionRunId}?after=${after}&limit=${limit}`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`the log could not be read (${response.status})`);
  return (await response.json()) as Page;
}

/**
 * An action's log, however long: paged a thousand lines at a time (first, previous, next, last), downloadable
 * whole, and followed live while the action runs, with no cap on how many lines arrive. Following opens on
 * the last page and appends what the subscription sends; when the action ends, whatever the subscription
 * had not delivered yet is read from the API, so the view always reaches the last line.
 */
export function ActionLogs({
  actionRunId,
  name,
  client,
  running,
}: {
  actionRunId: string;
  name: string;
  client: Client | null;
  running: boolean;
}) {
  const [view, setView] = useState<{ start: number; lines: Line[] }>({ start: 0, lines: [] });
  const [total, setTotal] = useState<number | null>(null);
  const [following, setFollowing] = useState(running);
  const [problem, setProblem] = useState<string | null>(null);
  const box = useRef<HTMLPreElement>(null);
  const lastSeq = useRef(0);
  const toEnd = useRef(true);

  const show = useCallback(
    async (after: number, atEnd: boolean) => {
      try {
        const page = await fetchPage(actionRunId, Math.max(0, after));
        toEnd.current = atEnd;
        setTotal(page.total);
        setView({ start: Math.max(0, after), lines: page.lines });
        setProblem(null);
      } catch (error) {
        setProblem((error as Error).message);
      }
    },
    [actionRunId],
  );
  const last = useCallback(async () => {
    try {
      const { total: n } = await fetchPage(actionRunId, 0, 1);
      await show(n - pageSize, true);
    } catch (error) {
      setProblem((error as Error).message);
    }
  }, [actionRunId, show]);

  // Not following: the last page (where a failure shows), until the reader pages elsewhere.
  useEffect(() => {
    if (!following) void last();
  }, [following, last]);

  // Following: the last page, then every line the subscription brings, drawn once per frame.
  useEffect(() => {
    if (!following || !client) return;
    let stopped = false;
    let stop = () => undefined as void;
    let pending: Line[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      const batch = pending;
      pending = [];
      toEnd.current = true;
      setView((v) => {
        const lines = [...v.lines, ...batch];
        const cut = Math.max(0, lines.length - followWindow);
        return { start: cut > 0 ? lines[cut - 1]!.seq : v.start, lines: lines.slice(cut) };
      });
      setTotal((t) => Math.max(t ?? 0, lastSeq.current));
    };
    void (async () => {
      try {
        const { total: n } = await fetchPage(actionRunId, 0, 1);
        const tail = await fetchPage(actionRunId, Math.max(0, n - pageSize));
        if (stopped) return;
        lastSeq.current = tail.lines.at(-1)?.seq ?? Math.max(0, n - pageSize);
        toEnd.current = true;
        setTotal(tail.total);
        setView({ start: Math.max(0, n - pageSize), lines: tail.lines });
        stop = follow(
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
      } catch (error) {
        setProblem((error as Error).message);
      }
    })();
    return () => {
      stopped = true;
      stop();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [following, client, actionRunId]);

  // The action ended: stop following; the last page, read from the API, holds every line it wrote.
  useEffect(() => {
    if (!running) setFollowing(false);
  }, [running]);

  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = toEnd.current ? el.scrollHeight : 0;
  }, [view]);

  const first = view.lines[0]?.seq ?? 0;
  const end = view.lines.at(-1)?.seq ?? 0;
  const n = total ?? 0;
  const go = (after: number, atEnd = false) => {
    setFollowing(false);
    void show(after, atEnd);
  };
  return (
    <div className="log-view">
      <div className="log-bar" role="toolbar" aria-label={`Log of ${name}`}>
        <span aria-live="polite">
          {n === 0
            ? 'no lines yet'
            : n <= pageSize
              ? `${n.toLocaleString('en')} ${n === 1 ? 'line' : 'lines'}`
              : `lines ${first.toLocaleString('en')}–${end.toLocaleString('en')} of ${n.toLocaleString('en')}`}
        </span>
        {n > pageSize ? (
          <>
            <button
              type="button"
              onClick={() => go(0)}
              disabled={first <= 1}
              aria-label={`First lines of ${name}`}
            >
              First
            </button>
            <button
              type="button"
              onClick={() => go(view.start - pageSize)}
              disabled={first <= 1}
              aria-label={`Earlier lines of ${name}`}
            >
              Earlier
            </button>
            <button
              type="button"
              onClick={() => go(end)}
              disabled={following || end >= n}
              aria-label={`Later lines of ${name}`}
            >
              Later
            </button>
            <button
              type="button"
              onClick={() => go(n - pageSize, true)}
              disabled={following || end >= n}
              aria-label={`Last lines of ${name}`}
            >
              Last
            </button>
          </>
        ) : null}
        {running ? (
          <label className="check">
            <input type="checkbox" checked={following} onChange={(e) => setFollowing(e.target.checked)} />
            Follow
          </label>
        ) : null}
        <a href={`/logs/${actionRunId}?download=1`} download aria-label={`Download the log of ${name}`}>
          Download
        </a>
      </div>
      {problem ? <p className="error">{problem}</p> : null}
      <pre ref={box} className="logs" role="log" aria-label={`Logs of ${name}`}>
        {view.lines.length === 0 ? (
          <span className="muted">no output yet</span>
        ) : (
          view.lines.map((l) => (
            <span key={l.seq} className={l.stream === 'stderr' ? 'stderr' : undefined}>
              {l.text}
              {'\n'}
            </span>
          ))
        )}
      </pre>
    </div>
  );
}
