import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import type { CallHttpInput } from '../definitions';
import { beginAttempt, finishAttempt } from './attempts';
import { fetchKeepingHeadersInOrigin, RedirectRefused } from './http-redirects';
import { LogWriter } from './log-writer';

const bodyLinesLogged = 20;

/** An HTTP action: one request; success is the expected status (any 2xx when none is given). */
export function createHttpActivities({ dataSource }: { dataSource: DataSource }) {
  async function callHttp(input: CallHttpInput): Promise<{ status: number }> {
    const ctx = Context.current();
    const attempt = await beginAttempt(dataSource, ctx, input);
    const logs = await LogWriter.open(dataSource, {
      kind: 'action',
      actionRunId: input.actionRunId,
      attempt,
    });
    const method = (input.http.method ?? 'GET').toUpperCase();
    let error: string | null = null;
    try {
      logs.write('stdout', `${method} ${input.http.url}`);
      const signal = AbortSignal.any([
        ctx.cancellationSignal,
        AbortSignal.timeout(input.timeoutSeconds * 1000),
      ]);
      let response: Response;
      try {
        response = await fetchKeepingHeadersInOrigin(
          input.http.url,
          { method, headers: input.http.headers, body: input.http.body, signal },
          (redirect) =>
            logs.write(
              'stdout',
              `redirected (${redirect.status}) to ${redirect.to}` +
                (redirect.headersDropped ? ': another origin, sent without the configured headers' : ''),
            ),
        );
      } catch (e) {
        if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? e;
        if (e instanceof RedirectRefused) {
          error = e.message;
          throw ApplicationFailure.nonRetryable(error, 'HttpRedirectRefused');
        }
        error = `request failed: ${(e as Error).message}`;
        throw ApplicationFailure.retryable(error, 'HttpRequestFailed');
      }
      const text = await response.text().catch(() => '');
      logs.write('stdout', `HTTP ${response.status} ${response.statusText}`);
      for (const line of text.split('\n').slice(0, bodyLinesLogged))
        if (line.trim()) logs.write('stdout', line);
      const ok =
        input.http.expectStatus === undefined ? response.ok : response.status === input.http.expectStatus;
      if (!ok) {
        error = `expected ${input.http.expectStatus ?? '2xx'}, got ${response.status}`;
        throw ApplicationFailure.retryable(error, 'HttpStatus');
      }
      return { status: response.status };
    } catch (e) {
      error ??= e instanceof Error ? e.message : String(e);
      throw e;
    } finally {
      await logs.flush();
      await finishAttempt(dataSource, input.actionRunId, attempt, error);
    }
  }
  return { callHttp };
}
