import type { ReactNode } from 'react';
import { duration, elapsed } from '@/lib/format';
import { actionKinds, statuses, type Status } from '@/lib/labels';
import type { ActionKind } from '@/lib/graphql-types';

export interface GraphAction {
  id: string;
  name: string;
  kind: ActionKind;
  runOrder: number;
  status?: Status;
  startedAt?: string | null;
  finishedAt?: string | null;
}

export interface GraphStage {
  id: string;
  name: string;
  position: number;
  status?: Status;
  startedAt?: string | null;
  finishedAt?: string | null;
  actions: GraphAction[];
  /** Shown under the stage's name: its environment, its services... */
  note?: ReactNode;
}

/** Actions grouped by runOrder, ascending: a group runs in parallel, groups one after another. */
export function actionGroups<T extends { runOrder: number }>(actions: readonly T[]): T[][] {
  const byOrder = new Map<number, T[]>();
  for (const action of actions)
    byOrder.set(action.runOrder, [...(byOrder.get(action.runOrder) ?? []), action]);
  return [...byOrder.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}

const took = (startedAt?: string | null, finishedAt?: string | null) =>
  startedAt && finishedAt ? duration(elapsed(startedAt, finishedAt)) : null;

function Node({ action }: { action: GraphAction }) {
  const status = action.status ? statuses[action.status] : null;
  const time = took(action.startedAt, action.finishedAt);
  return (
    <li
      className={`graph-node tone-edge-${status?.tone ?? 'plain'}`}
      data-node={action.name}
      data-node-status={action.status}
    >
      <span className="graph-node-name">{action.name}</span>
      <span className="graph-node-meta">
        {actionKinds[action.kind]}
        {status ? ` · ${status.label}` : ''}
        {time ? ` · ${time}` : ''}
      </span>
    </li>
  );
}

/**
 * A pipeline, or a run of one, at a glance: stages left to right (top to bottom on a narrow screen), inside
 * each the action groups in order, the actions of a group as parallel lanes. A run's nodes carry their
 * status (word and colour), finished ones their duration, and the current stage is outlined.
 */
export function PipelineGraph({
  stages,
  currentStageId,
  label,
}: {
  stages: readonly GraphStage[];
  currentStageId?: string | null;
  label: string;
}) {
  return (
    <ol className="graph" aria-label={label}>
      {stages.map((stage) => {
        const current = stage.id === currentStageId;
        const status = stage.status ? statuses[stage.status] : null;
        const time = took(stage.startedAt, stage.finishedAt);
        return (
          <li
            key={stage.id}
            className={`graph-stage tone-edge-${status?.tone ?? 'plain'}${current ? ' is-current' : ''}`}
            aria-current={current ? 'step' : undefined}
            aria-label={`Stage ${stage.position + 1}: ${stage.name}${status ? `, ${status.label}` : ''}`}
            data-graph-stage={stage.name}
            data-graph-stage-status={stage.status}
          >
            <div className="graph-stage-head">
              <strong>
                {stage.position + 1}. {stage.name}
              </strong>
              {status || time ? (
                <span className="graph-node-meta">
                  {status?.label}
                  {time ? ` · ${time}` : ''}
                </span>
              ) : null}
              {stage.note}
            </div>
            {stage.actions.length === 0 ? (
              <p className="muted graph-empty">no actions</p>
            ) : (
              <ol className="graph-groups">
                {actionGroups(stage.actions).map((group, g) => (
                  <li
                    key={g}
                    className="graph-group"
                    aria-label={`Group ${g + 1}${group.length > 1 ? `, ${group.length} in parallel` : ''}`}
                  >
                    <ul className="graph-lanes">
                      {group.map((action) => (
                        <Node key={action.id} action={action} />
                      ))}
                    </ul>
                  </li>
                ))}
              </ol>
            )}
          </li>
        );
      })}
    </ol>
  );
}
