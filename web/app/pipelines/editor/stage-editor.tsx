'use client';

import type { DragEventHandler } from 'react';
import { actionGroups } from '@/components/pipeline-graph';
import { ActionEditor, type DeploymentChoice } from './action-editor';
import { CheckField, ListError, NumberField, SelectField, TextField } from './editor-fields';
import { newAction, type ActionDraft, type StageDraft } from './editor-model';

/** One stage: its settings, its actions by group, and the buttons that move it among the stages. */
export function StageEditor({
  stage,
  index,
  count,
  environments,
  deployments,
  onChange,
  onMove,
  onRemove,
  handle,
}: {
  stage: StageDraft;
  index: number;
  count: number;
  environments: Array<{ id: string; name: string }>;
  deployments: DeploymentChoice[];
  onChange: (stage: StageDraft) => void;
  onMove: (to: number) => void;
  onRemove: () => void;
  handle: { draggable: boolean; onDragStart: DragEventHandler; onDragEnd: DragEventHandler };
}) {
  const path = `input.stages[${index}]`;
  const set = (patch: Partial<StageDraft>) => onChange({ ...stage, ...patch });
  const label = stage.name || `stage ${index + 1}`;
  const lastGroup = Math.max(0, ...stage.actions.map((a) => Number(a.runOrder) || 0));
  const add = (runOrder: number) => set({ actions: [...stage.actions, newAction(runOrder)] });
  const indexed = stage.actions.map((action, at) => ({ action, at, runOrder: Number(action.runOrder) || 0 }));
  return (
    <>
      <div className="stage-head">
        <span className="handle" aria-hidden="true" title="Drag to reorder" {...handle}>
          ⠿
        </span>
        <h2>
          {index + 1}. {label}
        </h2>
        <button
          type="button"
          onClick={() => onMove(index - 1)}
          disabled={index === 0}
          aria-label={`Move stage ${label} up`}
        >
          ↑ Move up
        </button>
        <button
          type="button"
          onClick={() => onMove(index + 1)}
          disabled={index === count - 1}
          aria-label={`Move stage ${label} down`}
        >
          ↓ Move down
        </button>
        <button
          type="button"
          className="link"
          onClick={onRemove}
          disabled={count === 1}
          aria-label={`Remove stage ${label}`}
        >
          Remove stage
        </button>
      </div>
      <div className="fields">
        <TextField
          label="Stage name"
          path={`${path}.name`}
          value={stage.name}
          onChange={(name) => set({ name })}
        />
        <SelectField
          label="Environment"
          path={`${path}.environmentId`}
          value={stage.environmentId}
          onChange={(environmentId) => set({ environmentId })}
          options={[
            { value: '', label: 'none' },
            ...environments.map((e) => ({ value: e.id, label: e.name })),
          ]}
        />
        <NumberField
          label="At most at once"
          path={`${path}.maxParallel`}
          value={stage.maxParallel}
          onChange={(maxParallel) => set({ maxParallel })}
          min={1}
        />
        <CheckField
          label="Transition into this stage on"
          checked={stage.transitionEnabled}
          onChange={(transitionEnabled) => set({ transitionEnabled })}
        />
      </div>
      <ListError path={`${path}.actions`} />
      {actionGroups(indexed).map((group, g) => (
        <div
          key={group[0]!.runOrder}
          className="editor-group"
          role="group"
          aria-label={`${label}, group ${g + 1}`}
        >
          <p className="muted">
            Group {g + 1} (number {group[0]!.runOrder})
            {group.length > 1
              ? ` · ${group.length} actions in parallel, up to ${stage.maxParallel || '4'} at once`
              : ''}
          </p>
          {group.map(({ action, at }) => (
            <ActionEditor
              key={action.key}
              action={action}
              path={`${path}.actions[${at}]`}
              deployments={deployments}
              onChange={(next: ActionDraft) =>
                set({ actions: stage.actions.map((a, i) => (i === at ? next : a)) })
              }
              onRemove={() => set({ actions: stage.actions.filter((_, i) => i !== at) })}
            />
          ))}
        </div>
      ))}
      <div className="inline-form">
        <button type="button" onClick={() => add(lastGroup + 1)} aria-label={`Add action to ${label}`}>
          + Action
        </button>
        {stage.actions.length > 0 ? (
          <button type="button" onClick={() => add(lastGroup)} aria-label={`Add parallel action to ${label}`}>
            + Parallel action (group {lastGroup})
          </button>
        ) : null}
      </div>
    </>
  );
}
