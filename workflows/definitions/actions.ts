/** What each action kind is configured with, and where an activity works. */
import type { RunChange } from './projection';
import type { ArtifactRef } from './releases';

export interface CommandConfig {
  command: string;
  env?: Record<string, string>;
  workingDirectory?: string;
}

/** Where an activity works: enough to record attempts and events without another lookup. */
export interface ActionContext {
  runId: string;
  pipelineId: string;
  actionRunId: string;
  stageName: string;
  actionName: string;
  /** 1 for the first execution of the action, 2 after the first manual retry, ... */
  execution: number;
}

type ActionChange = Extract<RunChange, { target: 'action' }>;

export interface RunCommandInput extends ActionContext {
  /** The stage's environment: with the pipeline, it decides which secrets the command receives. */
  environmentId: string | null;
  revisionSha: string;
  command: CommandConfig;
  /** The command is killed and the attempt fails after this long. */
  timeoutSeconds: number;
  /** The action's retry policy: failures of the command beyond this many are final. */
  maximumAttempts: number;
  /** Artifacts the run carries so far, handed to the command (absent in runs started before releases). */
  artifacts?: ArtifactRef[];
  /**
   * The action's RUNNING change with its ACTION_STARTED event, recorded by each attempt before its own row;
   * and its SUCCEEDED change with its ACTION_SUCCEEDED event, recorded by the attempt that succeeds (with
   * its outputs and the time it ended) once its own outcome is. The workflow then records neither. Absent
   * in runs started before the patch `engine-command-attempt-records-action`: their workflow records both.
   */
  start?: ActionChange;
  success?: ActionChange;
}

export interface HttpConfig {
  url: string;
  method?: string;
  /** Values may name secrets as `${{ secrets.NAME }}` (db/secret-references.ts), put in by the worker. */
  headers?: Record<string, string>;
  body?: string;
  expectStatus?: number;
}

export interface CallHttpInput extends ActionContext {
  /**
   * The stage's environment: with the pipeline, it decides which secrets the headers may name. Absent in
   * actions scheduled before headers could name secrets (runs in flight then): only pipeline and global
   * secrets apply to those.
   */
  environmentId?: string | null;
  http: HttpConfig;
  timeoutSeconds: number;
}

export interface ApprovalConfig {
  requiredApprovals?: number;
  allowSelfApproval?: boolean;
  timeoutSeconds?: number;
  instructions?: string;
}

export interface WaitConfig {
  seconds: number;
}
