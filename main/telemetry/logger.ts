import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /** LOG_FORMAT: one JSON object per line, or readable text (the default). */
  format: 'json' | 'text';
  level: 'debug' | 'info' | 'warn' | 'error';
  /** `api`, `worker`: every line says which process wrote it. */
  component: string;
  /** Where lines go (tests); stdout by default. */
  destination?: DestinationStream;
}

/**
 * Keys whose values never reach a log line, wherever they sit one level down: a token, a secret or a
 * password handed to a logger by mistake. (Secret values inside text are masked before they get here:
 * the activities that open secrets mask what they log, return and throw, docs/security.md.)
 */
const redacted = ['authorization', 'token', 'password', 'secret', 'secretKey', 'value', 'env', 'headers'];

/** The process's logger (pino): JSON lines for a log pipeline, or one readable line per entry. */
export function createLogger(options: LoggerOptions): Logger {
  const out = options.destination ?? process.stdout;
  return pino(
    {
      level: options.level,
      base: { component: options.component },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...redacted, ...redacted.map((key) => `*.${key}`)], censor: '***' },
    },
    options.format === 'json' ? out : readable(out),
  );
}

/** `time LEVEL [component] message key=value ...`, from pino's JSON line. */
function readable(out: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      const { time, level, component, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const fields = Object.entries(rest)
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
      const at = typeof time === 'string' ? time.slice(11, 23) : '';
      out.write(
        `${at} ${String(level).toUpperCase()} [${String(component)}] ${String(msg)}${fields ? ` ${fields}` : ''}\n`,
      );
    },
  };
}

/** The `log(message)` the API and worker parts take, as warnings of this logger. */
export const lineLogger =
  (logger: Logger) =>
  (message: string): void =>
    logger.warn(message);

const pipelineRunWorkflow = /^pipeline-run-([0-9a-f-]{36})$/;
const deploymentRunWorkflow = /^deployment-run-([0-9a-f-]{36})$/;

/**
 * The Temporal SDK's logger (workflow, activity and worker lines) forwarded to pino, with Lockstep's ids:
 * the run or Deployment Run a workflow id names, and the stage and action ids the activity interceptor
 * (`activityLogIds`) adds.
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  const log = (level: LogLevel, message: string, meta: LogMetadata = {}) => {
    const { error, failure, taskToken: _token, ...rest } = meta as Record<string, unknown>;
    const fields: Record<string, unknown> = { ...rest };
    // A workflow line's runId is Temporal's execution id (activity lines call it workflowRunId, and their
    // runId is Lockstep's, from the input): kept as workflowRunId. A task token says nothing useful.
    if (rest.workflowRunId === undefined && rest.runId !== undefined) {
      fields.workflowRunId = rest.runId;
      delete fields.runId;
    }
    const workflowId = typeof rest.workflowId === 'string' ? rest.workflowId : undefined;
    const run = workflowId ? pipelineRunWorkflow.exec(workflowId) : null;
    const deployment = workflowId ? deploymentRunWorkflow.exec(workflowId) : null;
    if (run?.[1]) fields.runId = run[1];
    if (deployment?.[1]) fields.deploymentRunId = deployment[1];
    const cause = error ?? failure;
    if (cause instanceof Error) fields.err = cause;
    else if (cause !== undefined) fields.error = typeof cause === 'string' ? cause : JSON.stringify(cause);
    logger[levels[level]](fields, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
