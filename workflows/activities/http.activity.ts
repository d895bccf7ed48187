import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import type { SecretBox } from '../../db/secret-box';
import { createMasker } from '../../db/secret-masker';
import { resolveReferences } from '../../db/secret-references';
import { secretsInScope } from '../../db/secret-store';
import type { CallHttpInput } from '../definitions';
import { beginAttempt, finishAttempt } from './attempts';
import { readBodyUpTo } from './bounded-body';
import { fetchKeepingHeadersInOrigin, RedirectRefused } from './http-redirects';
import { LogWriter } from './log-writer';
import { failureMessage, maskedFailure } from './masked-failure';
import { retryTransient } from './transient';

const bodyLinesLogged = 20;
/** How much of a response body is read; the rest is never downloaded. */
const bodyLimitBytes = 1024 * 1024;

export interface HttpActivityDeps {
  dataSource: DataSource;
  /** Opens the secrets that header values refer to; null when no key is configured. */
  secretBox: SecretBox | null;
}

/**
 * Header values with `${{ secrets.NAME }}` put in, from the secrets in the action's scope. A name with no
 * secret fails the action (naming it); retrying would not help until someone sets it.
 */
function resolveHeaders(
  headers: Readonly<Record<string, string>>,
  secrets: Readonly<Record<string, string>>,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  const missing = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    const result = resolveReferences(value, secrets);
    resolved[name] = result.text;
    for (const unknown of result.missing) missing.add(unknown);
  }
  if (missing.size > 0) {
    const names = [...missing].map((name) => `"${name}"`).join(', ');
    throw ApplicationFailure.nonRetryable(
      `${missing.size === 1 ? 'secret' : 'secrets'} ${names} referred to in the headers ${missing.size === 1 ? 'is' : 'are'} not set for this action (its pipeline, its stage's environment, or global)`,
      'UnknownSecret',
    );
  }
  return resolved;
}

/** An HTTP action: one request; success is the expected status (any 2xx when none is given). */
export function createHttpActivities({ dataSource, secretBox }: HttpActivityDeps) {
  async function callHttp(input: CallHttpInput): Promise<{ status: number }> {
    const ctx = Context.current();
    const { attempt, lastLogSeq } = await beginAttempt(dataSource, ctx, input);
    const logs = LogWriter.after(
      dataSource,
      { kind: 'action', actionRunId: input.actionRunId, attempt },
      lastLogSeq,
    );
    const method = (input.http.method ?? 'GET').toUpperCase();
    let mask = (text: string) => text;
    let error: string | null = null;
    try {
      // Like a command's, the action's secrets are opened here and only here; every text it writes or
      // throws is masked with all of them, whatever the response echoes.
      const secrets = await retryTransient(() =>
        secretsInScope(dataSource, secretBox, {
          pipelineId: input.pipelineId,
          environmentId: input.environmentId ?? null,
        }),
      );
      mask = createMasker(Object.values(secrets));
      const headers = resolveHeaders(input.http.headers ?? {}, secrets);
      logs.write('stdout', mask(`${method} ${input.http.url}`));
      const signal = AbortSignal.any([
        ctx.cancellationSignal,
        AbortSignal.timeout(input.timeoutSeconds * 1000),
      ]);
      let response: Response;
      try {
        response = await fetchKeepingHeadersInOrigin(
          input.http.url,
          { method, headers, body: input.http.body, signal },
          (redirect) =>
            logs.write(
              'stdout',
              mask(
                `redirected (${redirect.status}) to ${redirect.to}` +
                  (redirect.headersDropped ? ': another origin, sent without the configured headers' : ''),
              ),
            ),
        );
      } catch (e) {
        if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? e;
        if (e instanceof RedirectRefused)
          throw ApplicationFailure.nonRetryable(e.message, 'HttpRedirectRefused');
        throw ApplicationFailure.retryable(`request failed: ${(e as Error).message}`, 'HttpRequestFailed');
      }
      const { text, truncated } = await readBodyUpTo(response, bodyLimitBytes);
      logs.write('stdout', mask(`HTTP ${response.status} ${response.statusText}`));
      for (const line of text.split('\n').slice(0, bodyLinesLogged))
        if (line.trim()) logs.write('stdout', mask(line));
      if (truncated) logs.write('stdout', `[lockstep] response body read up to ${bodyLimitBytes} bytes`);
      const ok =
        input.http.expectStatus === undefined ? response.ok : response.status === input.http.expectStatus;
      if (!ok) {
        throw ApplicationFailure.retryable(
          `expected ${input.http.expectStatus ?? '2xx'}, got ${response.status}`,
          'HttpStatus',
        );
      }
      return { status: response.status };
    } catch (e) {
      const failure = maskedFailure(mask, e);
      error = failureMessage(failure);
      throw failure;
    } finally {
      await logs.flush();
      await finishAttempt(dataSource, input.actionRunId, attempt, error);
    }
  }
  return { callHttp };
}
