import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { DataSource } from 'typeorm';
import type { RunCommandInput, RunCommandResult } from '../definitions';
import { LogWriter, type LogStream } from './log-writer';
import { beginAttempt, finishAttempt } from './attempts';

export interface CommandActivityDeps {
  dataSource: DataSource;
  /** The environment every command starts from (PATH, HOME...): never the worker's own secrets. */
  baseEnv: Record<string, string>;
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

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

export function createCommandActivities({
  dataSource,
  baseEnv,
  heartbeatIntervalMs = 2000,
  killGraceMs = 5000,
}: CommandActivityDeps) {
  /**
   * Runs a COMMAND action: `/bin/sh -c` in its own process group, output stored line by line, heartbeats
   * while it runs. Cancellation (or losing the worker's heartbeat) kills the whole group.
   */
  async function runCommand(input: RunCommandInput): Promise<RunCommandResult> {
    const ctx = Context.current();
    const attempt = await beginAttempt(dataSource, ctx, input);

    const workDir = await mkdtemp(path.join(os.tmpdir(), 'lockstep-action-'));
    const outputFile = path.join(workDir, 'outputs');
    const logs = await LogWriter.open(dataSource, input.actionRunId, attempt);
    const stderrTail: string[] = [];
    let error: string | null = null;
    try {
      const child = spawn('/bin/sh', ['-c', input.command.command], {
        cwd: input.command.workingDirectory ?? workDir,
        env: {
          ...baseEnv,
          ...input.command.env,
          LOCKSTEP_RUN_ID: input.runId,
          LOCKSTEP_PIPELINE_ID: input.pipelineId,
          LOCKSTEP_STAGE: input.stageName,
          LOCKSTEP_ACTION: input.actionName,
          LOCKSTEP_ATTEMPT: String(attempt),
          LOCKSTEP_REVISION: input.revisionSha,
          LOCKSTEP_OUTPUT: outputFile,
        },
        detached: true, // its own process group, so cancelling kills everything it started
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const pipe = (stream: NodeJS.ReadableStream, name: LogStream) =>
        new Promise<void>((resolve) => {
          const lines = createInterface({ input: stream, crlfDelay: Infinity });
          lines.on('line', (line) => {
            logs.write(name, line);
            if (name === 'stderr') {
              stderrTail.push(line);
              if (stderrTail.length > 10) stderrTail.shift();
            }
          });
          lines.on('close', resolve);
        });
      const drained = Promise.all([pipe(child.stdout, 'stdout'), pipe(child.stderr, 'stderr')]);
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
        (resolve, reject) => {
          child.once('error', reject);
          child.once('exit', (code, signal) => resolve({ code, signal }));
        },
      );

      const heartbeat = setInterval(() => ctx.heartbeat(), heartbeatIntervalMs);
      let killTimer: NodeJS.Timeout | undefined;
      const onCancel = () => {
        killGroup(child.pid, 'SIGTERM');
        killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), killGraceMs);
      };
      ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
      try {
        const { code, signal } = await exited;
        // The shell is gone; anything it left running in its group goes with it.
        killGroup(child.pid, 'SIGKILL');
        await drained;
        if (ctx.cancellationSignal.aborted) {
          error = 'cancelled';
          throw ctx.cancellationSignal.reason ?? new Error('cancelled');
        }
        if (code !== 0) {
          const tail = stderrTail.join('\n').trim();
          error = `${signal ? `killed by ${signal}` : `exit code ${code}`}${tail ? `: ${tail}` : ''}`;
          throw ApplicationFailure.retryable(error, 'CommandFailed');
        }
        const outputs = await readFile(outputFile, 'utf8').then(parseOutputs, (e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return {};
          throw e;
        });
        return { outputs };
      } finally {
        clearInterval(heartbeat);
        if (killTimer) clearTimeout(killTimer);
        ctx.cancellationSignal.removeEventListener('abort', onCancel);
      }
    } catch (e) {
      error ??= e instanceof Error ? e.message : String(e);
      throw e;
    } finally {
      await logs.flush();
      await finishAttempt(dataSource, input.actionRunId, attempt, error);
      await rm(workDir, { recursive: true, force: true });
    }
  }

  return { runCommand };
}
