import { dateTime } from '@/lib/format';
import type { RunViewFragment } from '@/lib/graphql-operations';
import { RunControl } from './run-control';

/** Why a run waits at its stage: the freeze windows holding it, and for ADMINs the override (with a reason). */
export function FreezeHold({
  runId,
  windows,
  admin,
}: {
  runId: string;
  windows: RunViewFragment['freezeWindowsHolding'];
  admin: boolean;
}) {
  return (
    <div className="panel freeze-hold" role="status">
      <p>
        Held by a freeze:{' '}
        {windows.map((w, i) => (
          <span key={w.id}>
            {i > 0 ? '; ' : ''}
            <strong>{w.name}</strong> until {dateTime(w.endsAt)} UTC
          </span>
        ))}
        . The run goes on by itself when the window ends.
      </p>
      {admin ? (
        <RunControl intent="overrideFreeze" target={runId} label="Override freeze" comment="Reason" />
      ) : null}
    </div>
  );
}
