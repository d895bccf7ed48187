import type { ActionAttempt, ActionRun, Approval, PipelineRun, StageRun } from '@/lib/graphql-types';

/** The selection the run page draws, for the first read and for every live update alike. */
export const runFields = `
  id number status failureReason createdAt startedAt finishedAt
  pipeline { id name } revision { sha message } currentStage { id }
  stages { id name position status startedAt finishedAt
    actions { id name kind status runOrder startedAt finishedAt outputs
      attempts { number startedAt finishedAt error }
      approvals { approved comment at principal { name } } } }`;

export type RunView = Pick<
  PipelineRun,
  'id' | 'number' | 'status' | 'failureReason' | 'createdAt' | 'startedAt' | 'finishedAt'
> & {
  pipeline: { id: string; name: string };
  revision: { sha: string; message: string | null };
  currentStage: { id: string } | null;
  stages: Array<
    Pick<StageRun, 'id' | 'name' | 'position' | 'status' | 'startedAt' | 'finishedAt'> & {
      actions: Array<
        Pick<
          ActionRun,
          'id' | 'name' | 'kind' | 'status' | 'runOrder' | 'startedAt' | 'finishedAt' | 'outputs'
        > & {
          attempts: Array<Pick<ActionAttempt, 'number' | 'startedAt' | 'finishedAt' | 'error'>>;
          approvals: Array<Pick<Approval, 'approved' | 'comment' | 'at'> & { principal: { name: string } }>;
        }
      >;
    }
  >;
};
