import type { ActionKind, ExecutionMode, PipelineInput } from '@/lib/graphql-types';

/**
 * The pipeline editor's state: the definition as form values (strings, as inputs hold them), turned into a
 * PipelineInput on save. Stage i and action j of the state are `input.stages[i].actions[j]` of the input,
 * so the API's BAD_USER_INPUT field paths point straight back at a form field.
 */

/** Each kind's config fields, as the API names them (`config.<key>`). */
export const configKeys: Record<ActionKind, readonly string[]> = {
  COMMAND: ['command', 'workingDirectory', 'env'],
  HTTP: ['url', 'method', 'expectStatus', 'body'],
  APPROVAL: ['requiredApprovals', 'allowSelfApproval', 'timeoutSeconds', 'instructions'],
  DEPLOYMENT: ['deploymentId'],
  WAIT: ['seconds'],
};

/** Config fields whose value is a number, a true/false, or `NAME=value` lines (COMMAND's env). */
const numeric = new Set(['expectStatus', 'requiredApprovals', 'timeoutSeconds', 'seconds']);
const boolean = new Set(['allowSelfApproval']);

export interface ActionDraft {
  key: string;
  name: string;
  kind: ActionKind;
  runOrder: string;
  config: Record<string, string>;
  timeoutSeconds: string;
  maximumAttempts: string;
  initialIntervalMs: string;
  backoffCoefficient: string;
}

export interface StageDraft {
  key: string;
  name: string;
  environmentId: string;
  maxParallel: string;
  transitionEnabled: boolean;
  actions: ActionDraft[];
}

export interface PipelineDraft {
  name: string;
  description: string;
  serviceId: string;
  executionMode: ExecutionMode;
  stages: StageDraft[];
}

/** A definition as the API returns it (`pipeline { ... }`), to start editing from. */
export interface LoadedPipeline {
  name: string;
  description: string | null;
  executionMode: ExecutionMode;
  service: { id: string } | null;
  stages: Array<{
    name: string;
    maxParallel: number;
    transitionEnabled: boolean;
    environment: { id: string } | null;
    actions: Array<{
      name: string;
      kind: ActionKind;
      runOrder: number;
      config: unknown;
      timeoutSeconds: number | null;
      retryPolicy: { maximumAttempts: number; initialIntervalMs: number; backoffCoefficient: number };
    }>;
  }>;
}

/** A React key for a stage or action: random, so drafts made on the server and in the browser never clash. */
export const newKey = () => `k${Math.random().toString(36).slice(2, 12)}`;

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return typeof value === 'object' ? JSON.stringify(value) : `${value as number | boolean}`;
}

function configText(kind: ActionKind, config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    configKeys[kind].map((key) => {
      const value = config[key];
      if (key === 'env' && value && typeof value === 'object')
        return [
          key,
          Object.entries(value)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join('\n'),
        ];
      return [key, text(value)];
    }),
  );
}

export function newAction(runOrder: number, name = ''): ActionDraft {
  return {
    key: newKey(),
    name,
    kind: 'COMMAND',
    runOrder: String(runOrder),
    config: configText('COMMAND', {}),
    timeoutSeconds: '',
    maximumAttempts: '1',
    initialIntervalMs: '1000',
    backoffCoefficient: '2',
  };
}

export function newStage(name = ''): StageDraft {
  return { key: newKey(), name, environmentId: '', maxParallel: '4', transitionEnabled: true, actions: [] };
}

export function emptyDraft(): PipelineDraft {
  return { name: '', description: '', serviceId: '', executionMode: 'QUEUED', stages: [newStage('build')] };
}

export function draftOf(p: LoadedPipeline): PipelineDraft {
  return {
    name: p.name,
    description: p.description ?? '',
    serviceId: p.service?.id ?? '',
    executionMode: p.executionMode,
    stages: p.stages.map((stage) => ({
      key: newKey(),
      name: stage.name,
      environmentId: stage.environment?.id ?? '',
      maxParallel: String(stage.maxParallel),
      transitionEnabled: stage.transitionEnabled,
      actions: stage.actions.map((action) => ({
        key: newKey(),
        name: action.name,
        kind: action.kind,
        runOrder: String(action.runOrder),
        config: configText(action.kind, (action.config ?? {}) as Record<string, unknown>),
        timeoutSeconds: text(action.timeoutSeconds),
        maximumAttempts: String(action.retryPolicy.maximumAttempts),
        initialIntervalMs: String(action.retryPolicy.initialIntervalMs),
        backoffCoefficient: String(action.retryPolicy.backoffCoefficient),
      })),
    })),
  };
}

/** A field error found before sending: the API's path and message, as the API would put them. */
export class DraftError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A whole number, or null when blank; GraphQL's Int would refuse anything else without naming the field. */
function int(field: string, value: string): number | null {
  if (value.trim() === '') return null;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new DraftError(field, 'must be a whole number');
  return n;
}

function number(field: string, value: string): number | null {
  if (value.trim() === '') return null;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new DraftError(field, 'must be a number');
  return n;
}

function configInput(field: string, action: ActionDraft): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const key of configKeys[action.kind]) {
    const value = action.config[key] ?? '';
    if (boolean.has(key)) {
      if (value === 'true') config[key] = true;
    } else if (value.trim() === '') {
      continue;
    } else if (numeric.has(key)) {
      config[key] = number(`${field}.${key}`, value);
    } else if (key === 'env') {
      config.env = Object.fromEntries(
        value
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => {
            const at = line.indexOf('=');
            return at < 0 ? [line.trim(), ''] : [line.slice(0, at).trim(), line.slice(at + 1)];
          }),
      );
    } else {
      config[key] = value;
    }
  }
  return config;
}

/** The draft as the API's PipelineInput; a number field that holds no number throws a DraftError. */
export function toInput(draft: PipelineDraft): PipelineInput {
  return {
    name: draft.name,
    description: draft.description || null,
    serviceId: draft.serviceId || null,
    executionMode: draft.executionMode,
    stages: draft.stages.map((stage, s) => {
      const at = `input.stages[${s}]`;
      return {
        name: stage.name,
        environmentId: stage.environmentId || null,
        maxParallel: int(`${at}.maxParallel`, stage.maxParallel),
        transitionEnabled: stage.transitionEnabled,
        actions: stage.actions.map((action, a) => {
          const field = `${at}.actions[${a}]`;
          return {
            name: action.name,
            kind: action.kind,
            runOrder: int(`${field}.runOrder`, action.runOrder),
            config: configInput(`${field}.config`, action),
            timeoutSeconds: int(`${field}.timeoutSeconds`, action.timeoutSeconds),
            retryPolicy: {
              maximumAttempts: int(`${field}.retryPolicy.maximumAttempts`, action.maximumAttempts),
              initialIntervalMs: int(`${field}.retryPolicy.initialIntervalMs`, action.initialIntervalMs),
              backoffCoefficient: number(
                `${field}.retryPolicy.backoffCoefficient`,
                action.backoffCoefficient,
              ),
            },
          };
        }),
      };
    }),
  };
}

/** The fields the editor shows, by the API's path: where an error is displayed. */
export function fieldPaths(draft: PipelineDraft): Set<string> {
  const paths = new Set([
    'input.name',
    'input.description',
    'input.serviceId',
    'input.executionMode',
    'input.stages',
  ]);
  draft.stages.forEach((stage, s) => {
    const at = `input.stages[${s}]`;
    for (const f of ['name', 'environmentId', 'maxParallel', 'actions']) paths.add(`${at}.${f}`);
    stage.actions.forEach((action, a) => {
      const field = `${at}.actions[${a}]`;
      for (const f of ['name', 'kind', 'runOrder', 'config', 'timeoutSeconds']) paths.add(`${field}.${f}`);
      for (const f of ['maximumAttempts', 'initialIntervalMs', 'backoffCoefficient'])
        paths.add(`${field}.retryPolicy.${f}`);
      for (const key of configKeys[action.kind]) paths.add(`${field}.config.${key}`);
    });
  });
  return paths;
}

/** The shown field an API error path belongs to: itself, else its nearest shown parent ('' for none). */
export function shownField(field: string, shown: Set<string>): string {
  let path = field;
  while (path && !shown.has(path)) {
    const parent = path.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    path = parent === path ? '' : parent;
  }
  return path;
}

/** `items` with the one at `from` moved to `to`. */
export function moved<T>(items: readonly T[], from: number, to: number): T[] {
  if (from === to || to < 0 || to >= items.length) return [...items];
  const copy = [...items];
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item!);
  return copy;
}
