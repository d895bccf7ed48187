import { createClient, type Client } from 'graphql-ws';
import type { TypedDocument } from '@/lib/graphql-operations';

/** Closes after which retrying cannot help: the token was refused (sign in again). */
const refused = new Set([4401, 4403]);

/**
 * One graphql-ws client per page, through the web app's own /live (which adds the signed-in token). It
 * reconnects after any other drop, waiting at most 30 s between tries.
 */
export function liveClient(onRefused: () => void): Client {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/live`;
  return createClient({
    url,
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: (event) => {
      const code = (event as { code?: number } | null)?.code;
      if (code !== undefined && refused.has(code)) {
        onRefused();
        return false;
      }
      return true;
    },
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** retries))),
  });
}

/**
 * Follows a subscription document, handing each result to `next`; returns the function that stops it.
 * Errors and completion need nothing here: the client reconnects and resubscribes by itself.
 */
export function follow<Result, Variables extends Record<string, unknown>>(
  client: Client,
  document: TypedDocument<Result, Variables>,
  variables: Variables,
  next: (data: Result) => void,
): () => void {
  return client.subscribe<Result>(
    { query: document, variables },
    { next: ({ data }) => data && next(data), error: () => undefined, complete: () => undefined },
  );
}
