import { dateTime } from '@/lib/format';
import type { RunViewFragment as RunView } from '@/lib/graphql-operations';
import type { Role } from '@/lib/graphql-types';
import { may } from '@/lib/roles';
import { RunControl } from './run-control';

/**
 * What a person may do with a run, by role: while a failed run holds, retry its failed actions or the
 * whole stage (OPERATOR), skip the failed actions with a reason (APPROVER); cancel a run that has not ended
 * (OPERATOR). Below, what people decided in the hold: who and why.
 */
export function HoldControls({ run, role, ended }: { run: RunView; role: Role; ended: boolean }) {
  // A failed run holds for a decision for a while (the API refuses once the hold has expired). A gate that
  // timed out is retried (its gate opens again), never skipped: skipping is for failed actions.
  const actions = run.stages.flatMap((s) => s.actions);
  const failed = actions.some((a) => a.status === 'FAILED');
  const held = run.status === 'FAILED' && (failed || actions.some((a) => a.status === 'TIMED_OUT'));
  return (
    <>
      <div className="controls">
        {held && may(role, 'OPERATOR') ? (
          <>
            <RunControl intent="retry" target={run.id} label="Retry failed actions" />
            <RunControl intent="retryStage" target={run.id} label="Retry stage" />
          </>
        ) : null}
        {held && failed && may(role, 'APPROVER') ? (
          <RunControl intent="skip" target={run.id} label="Skip failed actions" comment="Reason" required />
        ) : null}
        {(!ended || held) && may(role, 'OPERATOR') ? (
          <RunControl intent="cancel" target={run.id} label="Cancel run" comment="Reason" />
        ) : null}
      </div>
      {run.decisions.length > 0 ? (
        <ul className="decisions" aria-label="Decisions after failure">
          {run.decisions.map((d) => (
            <li key={d.id}>
              {dateTime(d.at)}: {d.message}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
