import { useEffect, useRef, useState } from 'react';

export interface LiveLogLine {
  seq: number;
  stream: string;
  text: string;
  /** A deployment run's lines name their step (plan, apply). */
  step?: string;
}

/**
 * A log replayed then followed: `subscribe(after, push)` starts a subscription for the lines after `after`
 * and returns its stop function (memoise it: a new one resubscribes). Lines arrive in order and are drawn
 * once per frame; a line seen before (a replay after a reconnect) is dropped.
 */
export function LiveLog({
  label,
  subscribe,
}: {
  label: string;
  subscribe: ((after: number, push: (line: LiveLogLine) => void) => () => void) | null;
}) {
  const [lines, setLines] = useState<LiveLogLine[]>([]);
  const lastSeq = useRef(0);
  useEffect(() => {
    if (!subscribe) return;
    let pending: LiveLogLine[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      const batch = pending;
      pending = [];
      setLines((old) => [...old, ...batch]);
    };
    const stop = subscribe(lastSeq.current, (line) => {
      if (line.seq <= lastSeq.current) return;
      lastSeq.current = line.seq;
      pending.push(line);
      frame ||= requestAnimationFrame(flush);
    });
    return () => {
      stop();
      if (frame) cancelAnimationFrame(frame);
      if (pending.length) setLines((old) => [...old, ...pending]);
    };
  }, [subscribe]);
  return (
    <pre className="logs" role="log" aria-label={label}>
      {lines.length === 0 ? (
        <span className="muted">no output yet</span>
      ) : (
        lines.map((l) => (
          <span key={l.seq} className={l.stream === 'stderr' ? 'stderr' : undefined}>
            {l.step ? <span className="muted">{l.step} </span> : null}
            {l.text}
            {'\n'}
          </span>
        ))
      )}
    </pre>
  );
}
