'use client';

import { useContext } from 'react';
import type { ActionKind } from '@/lib/graphql-types';
import { actionKinds } from '@/lib/labels';
import { CheckField, FieldErrorContext, NumberField, SelectField, TextField } from './editor-fields';
import { configKeys, type ActionDraft } from './editor-model';

export interface DeploymentChoice {
  id: string;
  name: string;
  service: { name: string };
  environment: { name: string };
}

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The config fields of one kind of action. */
function ConfigFields({
  action,
  path,
  set,
  deployments,
}: {
  action: ActionDraft;
  path: string;
  set: (key: string, value: string) => void;
  deployments: DeploymentChoice[];
}) {
  const c = action.config;
  const text = (key: string, label: string, extra: { placeholder?: string; multiline?: boolean } = {}) => (
    <TextField
      key={key}
      label={label}
      path={`${path}.${key}`}
      value={c[key] ?? ''}
      onChange={(v) => set(key, v)}
      wide
      {...extra}
    />
  );
  const num = (key: string, label: string) => (
    <NumberField
      key={key}
      label={label}
      path={`${path}.${key}`}
      value={c[key] ?? ''}
      onChange={(v) => set(key, v)}
    />
  );
  switch (action.kind) {
    case 'COMMAND':
      return (
        <>
          {text('command', 'Command', { placeholder: 'npm test', multiline: true })}
          {text('workingDirectory', 'Working directory', { placeholder: 'absolute path (optional)' })}
          {text('env', 'Environment variables', { placeholder: 'NAME=value, one a line', multiline: true })}
        </>
      );
    case 'HTTP':
      return (
        <>
          {text('url', 'URL', { placeholder: 'https://…' })}
          <SelectField
            label="Method"
            path={`${path}.method`}
            value={c.method || 'GET'}
            onChange={(v) => set('method', v)}
            options={methods.map((m) => ({ value: m, label: m }))}
          />
          {num('expectStatus', 'Expected status')}
          {text('body', 'Body', { multiline: true })}
        </>
      );
    case 'APPROVAL':
      return (
        <>
          {num('requiredApprovals', 'Approvals needed')}
          {num('timeoutSeconds', 'Rejects after (s)')}
          <CheckField
            label="The person who triggered the run may approve"
            checked={c.allowSelfApproval === 'true'}
            onChange={(v) => set('allowSelfApproval', String(v))}
          />
          {text('instructions', 'Instructions', { multiline: true })}
        </>
      );
    case 'DEPLOYMENT':
      return (
        <SelectField
          label="Deployment"
          path={`${path}.deploymentId`}
          value={c.deploymentId ?? ''}
          onChange={(v) => set('deploymentId', v)}
          options={[
            { value: '', label: 'choose a Deployment' },
            ...deployments.map((d) => ({
              value: d.id,
              label: `${d.name} (${d.service.name} → ${d.environment.name})`,
            })),
          ]}
        />
      );
    case 'WAIT':
      return num('seconds', 'Wait (s)');
  }
}

/** One action: name, kind, group, its kind's form, timeout and retry policy. */
export function ActionEditor({
  action,
  path,
  onChange,
  onRemove,
  deployments,
}: {
  action: ActionDraft;
  path: string;
  onChange: (action: ActionDraft) => void;
  onRemove: () => void;
  deployments: DeploymentChoice[];
}) {
  const set = (patch: Partial<ActionDraft>) => onChange({ ...action, ...patch });
  const label = action.name || 'new action';
  const error = useContext(FieldErrorContext);
  // An error in a folded field unfolds it.
  const foldedError =
    !!error && (error.field.startsWith(`${path}.retryPolicy`) || error.field === `${path}.timeoutSeconds`);
  return (
    <fieldset className="action-editor" aria-label={`Action ${label}`} data-editor-action={action.name}>
      <legend>{label}</legend>
      <div className="fields">
        <TextField
          label="Action name"
          path={`${path}.name`}
          value={action.name}
          onChange={(name) => set({ name })}
        />
        <SelectField
          label="Kind"
          path={`${path}.kind`}
          value={action.kind}
          onChange={(kind) =>
            set({
              kind: kind as ActionKind,
              config: Object.fromEntries(configKeys[kind as ActionKind].map((k) => [k, ''])),
            })
          }
          options={Object.entries(actionKinds).map(([value, l]) => ({ value, label: l }))}
        />
        <NumberField
          label="Group"
          path={`${path}.runOrder`}
          value={action.runOrder}
          onChange={(runOrder) => set({ runOrder })}
          min={0}
        />
      </div>
      <div className="fields">
        <ConfigFields
          action={action}
          path={`${path}.config`}
          set={(key, value) => set({ config: { ...action.config, [key]: value } })}
          deployments={deployments}
        />
      </div>
      <details className="fields-more" open={foldedError || undefined}>
        <summary>Timeout and retries</summary>
        <div className="fields">
          <NumberField
            label="Timeout (s)"
            path={`${path}.timeoutSeconds`}
            value={action.timeoutSeconds}
            onChange={(timeoutSeconds) => set({ timeoutSeconds })}
            min={1}
          />
          <NumberField
            label="Attempts"
            path={`${path}.retryPolicy.maximumAttempts`}
            value={action.maximumAttempts}
            onChange={(maximumAttempts) => set({ maximumAttempts })}
            min={1}
          />
          <NumberField
            label="First retry after (ms)"
            path={`${path}.retryPolicy.initialIntervalMs`}
            value={action.initialIntervalMs}
            onChange={(initialIntervalMs) => set({ initialIntervalMs })}
            min={100}
          />
          <NumberField
            label="Backoff"
            path={`${path}.retryPolicy.backoffCoefficient`}
            value={action.backoffCoefficient}
            onChange={(backoffCoefficient) => set({ backoffCoefficient })}
            min={1}
            step="0.1"
          />
        </div>
      </details>
      <button type="button" className="link" onClick={onRemove} aria-label={`Remove action ${label}`}>
        Remove action
      </button>
    </fieldset>
  );
}
