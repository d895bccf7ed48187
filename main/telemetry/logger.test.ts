import { describe, expect, it } from 'vitest';
import { createLogger, temporalLogger } from './logger';

function capture(format: 'json' | 'text') {
  const lines: string[] = [];
  const logger = createLogger({
    format,
    level: 'debug',
    component: 'worker',
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { logger, lines };
}

const runId = '33330c7c-60e2-4fd5-9f0d-3de1508dff82';
const temporalRunId = '01a22b80-275a-7236-9555-f17a09587c87';

describe('process logs', () => {
  it('writes one JSON object per line with the component, level and time', () => {
    const { logger, lines } = capture('json');
    logger.info('worker polling task queue q');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'info',
      component: 'worker',
      msg: 'worker polling task queue q',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('gives workflow lines the run id their workflow id names, and keeps Temporal’s apart', () => {
    const { logger, lines } = capture('json');
    temporalLogger(logger).info('Workflow completed', {
      workflowId: `pipeline-run-${runId}`,
      runId: temporalRunId,
      workflowType: 'pipelineRunWorkflow',
    });
    expect(JSON.parse(lines[0]!)).toMatchObject({
      runId,
      workflowRunId: temporalRunId,
      msg: 'Workflow completed',
    });
  });

  it('keeps the ids the activity interceptor adds, and the error of a failed activity', () => {
    const { logger, lines } = capture('json');
    temporalLogger(logger).warn('Activity failed', {
      workflowId: `pipeline-run-${runId}`,
      workflowRunId: temporalRunId,
      runId,
      stageName: 'build',
      actionRunId: 'a1',
      taskToken: 'opaque',
      error: new Error('exit code 1: bad token ***'),
    });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'warn', runId, stageName: 'build', actionRunId: 'a1' });
    expect(line.err).toMatchObject({ message: 'exit code 1: bad token ***' });
    expect(line.taskToken).toBeUndefined();
  });

  it('never writes a token, secret or password handed to it as a field', () => {
    const { logger, lines } = capture('json');
    logger.info(
      { token: 'tok-1', secret: 's3cr3t', headers: { authorization: 'Bearer x' }, input: { password: 'pw' } },
      'oops',
    );
    expect(lines[0]).not.toMatch(/tok-1|s3cr3t|Bearer x|"pw"/);
  });

  it('writes readable lines unless LOG_FORMAT=json', () => {
    const { logger, lines } = capture('text');
    logger.warn({ runId }, 'health: PostgreSQL answers again');
    expect(lines[0]).toMatch(
      new RegExp(`^\\S+ WARN \\[worker\\] health: PostgreSQL answers again runId=${runId}\\n$`),
    );
  });
});
