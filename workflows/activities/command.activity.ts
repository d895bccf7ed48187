import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import type { SecretBox } from '../../db/secret-box';
import { createMasker } from '../../db/secret-masker';
import { openSecretsJson } from '../../db/secret-store';
import type { RunCommandInput, RunCommandResult } from '../definitions';
import type { WorkerMetrics } from '../metrics/worker-metrics';
import { publishCommandArtifacts, receivedArtifactsEnv } from './artifacts';
import { beginCommandAttempt, failedAttempts, finishAttempt } from './attempts';
import type { CommandSandbox } from './command-sandbox';
import { LogWriter } from './log-writer';
import { failureMessage, maskedFailure } from './masked-failure';
import { checkOutputs, readOutputFile } from './output-policy';
import { recordAttemptChange } from './projection.activity';
import { keepAlive, runShell, type ShellOutcome } from './shell';
import { retryTransient } from './transient';

export interface CommandActivityDeps {
  dataSource: DataSource;
  /** Opens stored secrets; null when no key is configured (then no secret may be stored). */
  secretBox: SecretBox | null;
  /** The environment every command starts from (PATH, HOME...): never the worker's own secrets. */
  baseEnv: Record<string, string>;
  /** Where and as whom each attempt runs. */
  sandbox: CommandSandbox;
  /** Where the actions an attempt records as finished are counted (see RunCommandInput.success). */
  metrics: WorkerMetrics;
  /** Bytes of log one attempt stores at most. */
  logLimitBytes: number;
  /** How often a running command heartbeats; the activity's heartbeat timeout is a few times this. */
  heartbeatIntervalMs?: number;
  /** Grace between SIGTERM and SIGKILL when a command is cancelled. */
  killGraceMs?: number;
}

const outputKey = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses the `key=value` lines a command wrote to $LOCKSTEP_OUTPUT. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!outputKey.test(key)) {
      throw ApplicationFailure.nonRetryable(
        `invalid output line "${line.slice(0, 80)}": expected KEY=value with KEY made of letters, digits and _`,
        'InvalidOutput',
      );
    }
    outputs[key] = line.slice(eq + 1);
  }
  return outputs;
}

export function createCommandActivities({
  dataSource,
  secretBox,
  baseEnv,
  sandbox,
  metrics,
  logLimitBytes,
  heartbeatIntervalMs = 2000,
  killGraceMs = 5000,
}: CommandActivityDeps) {
  /**
   * Runs a COMMAND action (see runShell): output stored line by line, outputs read from $LOCKSTEP_OUTPUT.
   * A failing command is retried by Temporal while the action's retry policy allows; the last allowed
   * failure is final (attempts lost with a worker are not counted against the policy).
   */
  async function runCommand(input: RunCommandInput): Promise<RunCommandResult> {
    const ctx = Context.current();
    const stopHeartbeats = keepAlive(ctx, heartbeatIntervalMs);
    try {
      return await execute(ctx, input);
    } finally {
      stopHeartbeats();
    }
  }

  async function execute(ctx: Context, input: RunCommandInput): Promise<RunCommandResult> {
    // The action's start (when the attempt records it), the attempt's row and the sealed secrets: one statement.
    const { attempt, lastLogSeq, sealedSecrets } = await beginCommandAttempt(dataSource, metrics, ctx, input);
    // Values reach the command here and nowhere else: the workflow only knows the scope they come from.
    const secrets = openSecretsJson(secretBox, sealedSecrets);
    const workspace = await sandbox.open('lockstep-action');
    const logs = LogWriter.after(
      dataSource,
      { kind: 'action', actionRunId: input.actionRunId, attempt },
      lastLogSeq,
      { limitBytes: logLimitBytes },
    );
    const mask = createMasker(Object.values(secrets));
    let error: string | null = null;
    let recorded = false;
    /** Cancelled or lost: the attempt did not fail on its own account. */
    let uncounted = false;
    try {
      const outcome = await runShell(ctx, {
        launcher: sandbox.launcher,
        command: input.command.command,
        cwd: input.command.workingDirectory ?? workspace.dir,
        user: workspace.user,
        env: {
          ...baseEnv,
          ...workspace.env,
          ...input.command.env,
          ...secrets,
          LOCKSTEP_RUN_ID: input.runId,
          LOCKSTEP_PIPELINE_ID: input.pipelineId,
          LOCKSTEP_STAGE: input.stageName,
          LOCKSTEP_ACTION: input.actionName,
          LOCKSTEP_ATTEMPT: String(attempt),
          LOCKSTEP_REVISION: input.revisionSha,
          LOCKSTEP_OUTPUT: workspace.outputFile,
          LOCKSTEP_ARTIFACTS: workspace.artifactsFile,
          ...(await receivedArtifactsEnv(workspace.handedDir, input.artifacts)),
        },
        timeoutSeconds: input.timeoutSeconds,
        onLine: (stream, line, cutBytes) => logs.write(stream, line, cutBytes),
        mask,
        killGraceMs,
      });
      if (outcome.kind === 'cancelled') {
        error = 'cancelled';
        uncounted = true;
        throw outcome.reason;
      }
      if (outcome.kind === 'lost') {
        // Like an attempt lost with its worker: run again, and not counted against the retry policy.
        const failure = lostFailure(outcome);
        error = failure.message;
        uncounted = true;
        throw failure;
      }
      if (outcome.kind !== 'exited' || outcome.code !== 0) {
        error = mask(describeFailure(outcome, input.timeoutSeconds));
        await logs.flush();
        await finishAttempt(dataSource, input.actionRunId, attempt, error);
        recorded = true;
        const final = (await failedAttempts(dataSource, input)) >= input.maximumAttempts;
        throw final
          ? ApplicationFailure.nonRetryable(error, 'CommandFailed')
          : ApplicationFailure.retryable(error, 'CommandFailed');
      }
      // Outputs travel through workflow history and the database, and a bad line is quoted in the error:
      // the file is masked before it is parsed, so a secret rides along in neither keys, values nor errors.
      const outputs = parseOutputs(mask(await readOutputFile(workspace.outputFile)));
      checkOutputs(outputs, input.command.env);
      const artifacts = await publishCommandArtifacts(dataSource, input, workspace.artifactsFile, mask);
      if (input.success) {
        // As on every other path, the outcome is recorded even if log lines were lost.
        await logs.flush().catch(() => undefined);
        await recordSuccess(input.success, outputs, attempt);
        recorded = true;
        return { outputs, artifacts, recorded: true };
      }
      return { outputs, artifacts };
    } catch (e) {
      const failure = maskedFailure(mask, e);
      error ??= failureMessage(failure);
      throw failure;
    } finally {
      if (!recorded) {
        await logs.flush().catch(() => undefined); // the attempt's outcome is recorded even if lines were lost
        await finishAttempt(dataSource, input.actionRunId, attempt, error, uncounted);
      }
      await workspace.release();
    }
  }

  /**
   * The action's SUCCEEDED change as the workflow built it, with the outputs and the time it ended, and the
   * attempt's own end, in one statement.
   */
  async function recordSuccess(
    change: NonNullable<RunCommandInput['success']>,
    outputs: Record<string, string>,
    attempt: number,
  ): Promise<void> {
    const at = new Date().toISOString();
    const success = { ...change, at, outputs, ...(change.event && { event: { ...change.event, at } }) };
    await retryTransient(() => recordAttemptChange(dataSource, metrics, success, attempt));
  }

  return { runCommand };
}

/** An attempt whose command's launcher stopped under it: retryable, whatever the policy says. */
export function lostFailure(outcome: Extract<ShellOutcome, { kind: 'lost' }>): ApplicationFailure {
  return ApplicationFailure.retryable(`lost: ${outcome.reason.message}`, 'AttemptLost');
}

/** How a failed command attempt reads in the attempt list and in the action's failure reason. */
export function describeFailure(
  outcome: Exclude<ShellOutcome, { kind: 'cancelled' | 'lost' }>,
  timeoutSeconds: number,
): string {
  const head =
    outcome.kind === 'timedOut'
      ? `timed out after ${timeoutSeconds} s`
      : outcome.kind === 'signalled'
        ? `killed by ${outcome.signal}`
        : `exit code ${outcome.code}`;
  return outcome.stderrTail ? `${head}: ${outcome.stderrTail}` : head;
}
