'use client';

import { useRouter } from 'next/navigation';
import { useMemo, useState, useTransition } from 'react';
import type { ExecutionMode } from '@/lib/graphql-types';
import { executionModes } from '@/lib/labels';
import type { DeploymentChoice } from './action-editor';
import { savePipeline } from './actions';
import { FieldErrorContext, ListError, SelectField, TextField } from './editor-fields';
import {
  DraftError,
  emptyDraft,
  fieldPaths,
  moved,
  newStage,
  shownField,
  toInput,
  type PipelineDraft,
  type StageDraft,
} from './editor-model';
import { StageEditor } from './stage-editor';

export interface EditorProps {
  /** The pipeline edited; null: a new one. */
  pipelineId: string | null;
  initial: PipelineDraft | null;
  /** An environment pipeline: removing a stage moves its DEPLOYMENT actions to the last stage. */
  environmentPipeline: boolean;
  readOnly: boolean;
  services: Array<{ id: string; name: string }>;
  environments: Array<{ id: string; name: string }>;
  deployments: DeploymentChoice[];
}

const dragType = 'application/x-lockstep-stage';

/**
 * The pipeline editor (loaded on demand: pages that only show pipelines never download it). It edits a
 * draft and sends it whole with createPipeline / updatePipeline; the API's field errors come back to the
 * field they name.
 */
export default function PipelineEditor(props: EditorProps) {
  const router = useRouter();
  const [draft, setDraft] = useState<PipelineDraft>(() => props.initial ?? emptyDraft());
  const [error, setError] = useState<{ field: string; message: string } | null>(null);
  const [saving, startSaving] = useTransition();
  const [dragging, setDragging] = useState<number | null>(null);
  const shown = useMemo(() => fieldPaths(draft), [draft]);
  const set = (patch: Partial<PipelineDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setStages = (stages: StageDraft[]) => set({ stages });

  const removeStage = (index: number) => {
    const stages = draft.stages.filter((_, i) => i !== index);
    const leaving = draft.stages[index]!.actions.filter((a) => a.kind === 'DEPLOYMENT');
    if (props.environmentPipeline && leaving.length > 0 && stages.length > 0) {
      // Its services go to the last stage, as new ones do when their default stage is gone.
      const last = stages.at(-1)!;
      stages[stages.length - 1] = { ...last, actions: [...last.actions, ...leaving] };
    }
    setStages(stages);
  };

  const save = () => {
    setError(null);
    let input;
    try {
      input = toInput(draft);
    } catch (e) {
      if (e instanceof DraftError) return setError({ field: e.field, message: e.message });
      throw e;
    }
    startSaving(async () => {
      const outcome = await savePipeline(props.pipelineId, input);
      if (outcome.error) {
        setError({ field: outcome.field ?? '', message: outcome.error });
        return;
      }
      router.push(`/pipelines/${outcome.id}?saved=1`);
    });
  };

  const at = error ? shownField(error.field, shown) : '';
  // Beside its own field, the path in front of the API's message says nothing more.
  const atField =
    error && at === error.field && error.message.startsWith(`${at}: `)
      ? error.message.slice(at.length + 2)
      : error?.message;
  return (
    <FieldErrorContext.Provider value={error ? { field: at, message: atField! } : null}>
      <form
        className="editor"
        aria-label="Pipeline editor"
        // The API checks every value and names the field; the browser's own checks would stop it first.
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        {props.readOnly ? (
          <p className="panel" role="note">
            Read-only: only an ADMIN can change a pipeline.
          </p>
        ) : null}
        <fieldset disabled={props.readOnly || saving} className="editor-body">
          <div className="fields">
            <TextField
              label="Pipeline name"
              path="input.name"
              value={draft.name}
              onChange={(name) => set({ name })}
            />
            <SelectField
              label="Service"
              path="input.serviceId"
              value={draft.serviceId}
              onChange={(serviceId) => set({ serviceId })}
              options={[
                { value: '', label: 'none' },
                ...props.services.map((s) => ({ value: s.id, label: s.name })),
              ]}
            />
            <SelectField
              label="Execution mode"
              path="input.executionMode"
              value={draft.executionMode}
              onChange={(mode) => set({ executionMode: mode as ExecutionMode })}
              options={Object.entries(executionModes).map(([value, label]) => ({ value, label }))}
            />
            <TextField
              label="Description"
              path="input.description"
              value={draft.description}
              onChange={(description) => set({ description })}
              wide
            />
          </div>
          <ListError path="input.stages" />
          <ol className="editor-stages" aria-label="Stages">
            {draft.stages.map((stage, index) => (
              <li
                key={stage.key}
                className={`editor-stage${dragging === index ? ' is-dragging' : ''}`}
                data-editor-stage={stage.name}
                onDragOver={(event) => {
                  if (event.dataTransfer.types.includes(dragType)) event.preventDefault();
                }}
                onDrop={(event) => {
                  event.preventDefault();
                  const from = Number(event.dataTransfer.getData(dragType));
                  setDragging(null);
                  if (Number.isInteger(from)) setStages(moved(draft.stages, from, index));
                }}
              >
                <StageEditor
                  stage={stage}
                  index={index}
                  count={draft.stages.length}
                  environments={props.environments}
                  deployments={props.deployments}
                  onChange={(next) => setStages(draft.stages.map((s, i) => (i === index ? next : s)))}
                  onMove={(to) => setStages(moved(draft.stages, index, to))}
                  onRemove={() => removeStage(index)}
                  handle={{
                    // Only the handle drags: text in the fields stays selectable.
                    draggable: !props.readOnly,
                    onDragStart: (event) => {
                      event.dataTransfer.setData(dragType, String(index));
                      event.dataTransfer.effectAllowed = 'move';
                      setDragging(index);
                    },
                    onDragEnd: () => setDragging(null),
                  }}
                />
              </li>
            ))}
          </ol>
          <button type="button" onClick={() => setStages([...draft.stages, newStage()])}>
            + Stage
          </button>
        </fieldset>
        {error && !at ? (
          <p role="alert" className="error">
            {error.message}
          </p>
        ) : null}
        {props.readOnly ? null : (
          <div className="editor-save">
            <button type="submit" disabled={saving}>
              {saving ? 'Saving…' : props.pipelineId ? 'Save pipeline' : 'Create pipeline'}
            </button>
            <span className="muted">
              Runs already in flight keep the definition they started with; the next run uses this one.
            </span>
          </div>
        )}
      </form>
    </FieldErrorContext.Provider>
  );
}
