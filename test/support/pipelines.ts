import { expect } from 'vitest';
import { eventually, type Harness } from './fixtures';

/** GraphQL documents and helpers shared by the engine tests. */

/** Anything that can send GraphQL as an admin: the in-process harness or a cluster of separate processes. */
export type GraphQLClient = Pick<Harness, 'gql'>;

export const createPipelineMutation = `
  mutation($input: PipelineInput!) {
    createPipeline(input: $input) { id name stages { id name position maxParallel actions { id name kind runOrder config } } }
  }`;

export const triggerMutation = `
  mutation($pipelineId: ID!, $revision: RevisionInput!) {
    triggerPipeline(pipelineId: $pipelineId, revision: $revision) { id number status temporalWorkflowId revision { sha committedAt } }
  }`;

export const runQuery = `
  query($id: ID!) {
    pipelineRun(id: $id) {
      id number status createdAt startedAt finishedAt failureReason temporalWorkflowId
      currentStage { name status }
      triggeredBy { name role }
      pipeline { id name }
      stages {
        id name position status startedAt finishedAt
        actions {
          id name kind runOrder status startedAt finishedAt outputs
          attempts { number error }
          approvals { approved comment principal { name } }
          logs { seq stream text }
        }
      }
    }
  }`;

export interface ActionRunView {
  id: string;
  name: string;
  kind: string;
  runOrder: number;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  outputs: Record<string, string> | null;
  attempts: Array<{ number: number; error: string | null }>;
  approvals: Array<{ approved: boolean; comment: string | null; principal: { name: string } }>;
  logs: Array<{ seq: number; stream: string; text: string }>;
}

export interface StageRunView {
  id: string;
  name: string;
  position: number;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  actions: ActionRunView[];
}

export interface RunView {
  id: string;
  number: number;
  status: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  failureReason: string | null;
  temporalWorkflowId: string;
  currentStage: { name: string; status: string } | null;
  triggeredBy: { name: string; role: string };
  pipeline: { id: string; name: string };
  stages: StageRunView[];
}

export interface PipelineView {
  id: string;
  stages: Array<{ id: string; name: string; actions: Array<{ id: string; name: string }> }>;
}

export const revision = {
  sha: 'a1b2c3d4e5f6',
  committedAt: '2026-11-20T10:00:00Z',
  message: 'ship it',
  author: 'dev@example.com',
};

export const command = (name: string, cmd: string, runOrder = 1, extra: Record<string, unknown> = {}) => ({
  name,
  kind: 'COMMAND',
  runOrder,
  config: { command: cmd },
  ...extra,
});

export const approval = (name: string, config: Record<string, unknown> = {}, runOrder = 1) => ({
  name,
  kind: 'APPROVAL',
  runOrder,
  config,
});

export async function createPipeline(
  h: GraphQLClient,
  input: Record<string, unknown>,
): Promise<PipelineView> {
  const res = await h.gql<{ createPipeline: PipelineView }>(createPipelineMutation, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.createPipeline;
}

export async function trigger(h: GraphQLClient, pipelineId: string, token?: string) {
  const res = await h.gql<{
    triggerPipeline: { id: string; number: number; status: string; temporalWorkflowId: string };
  }>(triggerMutation, { pipelineId, revision }, token);
  expect(res.errors).toBeUndefined();
  return res.data!.triggerPipeline;
}

const setStageTransition = `mutation($id: ID!, $enabled: Boolean!, $reason: String) {
  setStageTransition(stageId: $id, enabled: $enabled, reason: $reason) { id transitionEnabled } }`;

/** Enables or disables the transition into a stage of `pipeline` (with the reason shown while disabled). */
export async function setTransition(
  h: GraphQLClient,
  pipeline: PipelineView,
  stageName: string,
  enabled: boolean,
  reason?: string,
): Promise<void> {
  const stage = pipeline.stages.find((s) => s.name === stageName);
  if (!stage) throw new Error(`no stage ${stageName} in pipeline ${pipeline.id}`);
  const res = await h.gql<{ setStageTransition: { transitionEnabled: boolean } }>(setStageTransition, {
    id: stage.id,
    enabled,
    reason,
  });
  expect(res.errors).toBeUndefined();
  expect(res.data!.setStageTransition.transitionEnabled).toBe(enabled);
}

export async function getRun(h: GraphQLClient, runId: string): Promise<RunView> {
  const res = await h.gql<{ pipelineRun: RunView }>(runQuery, { id: runId });
  expect(res.errors).toBeUndefined();
  return res.data!.pipelineRun;
}

export function waitForRun(
  h: GraphQLClient,
  runId: string,
  done: (run: RunView) => boolean,
  timeoutMs = 30_000,
): Promise<RunView> {
  return eventually(() => getRun(h, runId), done, timeoutMs);
}

export const ended = (run: RunView) =>
  ['SUCCEEDED', 'FAILED', 'CANCELLED', 'SUPERSEDED'].includes(run.status);

export function actionOf(run: RunView, stageName: string, actionName: string): ActionRunView {
  const action = run.stages.find((s) => s.name === stageName)?.actions.find((a) => a.name === actionName);
  if (!action) throw new Error(`no action ${stageName}/${actionName} in run ${run.id}`);
  return action;
}

export function stageOf(run: RunView, stageName: string): StageRunView {
  const stage = run.stages.find((s) => s.name === stageName);
  if (!stage) throw new Error(`no stage ${stageName} in run ${run.id}`);
  return stage;
}

export async function eventTypes(h: Harness, runId: string): Promise<string[]> {
  const rows: Array<{ type: string }> = await h.dataSource.query(
    'SELECT type FROM pipeline_events WHERE run_id = $1 ORDER BY id',
    [runId],
  );
  return rows.map((r) => r.type);
}

export const ms = (iso: string | null) => new Date(iso!).getTime();
