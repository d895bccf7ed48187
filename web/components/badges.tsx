import type { ReactNode } from 'react';
import { statuses, type Status, type Tone } from '@/lib/labels';

/** A small coloured label: a DORA level, an environment, "rollback". */
export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`badge tone-${tone}`}>{children}</span>;
}

/** A run, stage, action or deployment status as a coloured word (the colour never carries the meaning alone). */
export function StatusBadge({ status }: { status: Status }) {
  const { label, tone } = statuses[status];
  return <span className={`status tone-${tone}`}>{label}</span>;
}
