import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscription<T> {
  /** Everything received so far, in order. */
  received: T[];
  /** Errors the server sent for this subscription. */
  errors: unknown[];
  /** Resolves once `done` holds for what was received (or rejects after `timeoutMs`). */
  until(done: (received: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  /** Settles when the server completes the subscription or it errors. */
  ended: Promise<void>;
  stop(): void;
}

export interface WsClient {
  client: Client;
  /** Close events of the socket, e.g. 4403 when the token is refused or revoked. */
  closes: Array<{ code: number; reason: string }>;
  subscribe<T>(query: string, variables?: Record<string, unknown>): Subscription<T>;
  dispose(): Promise<void>;
}

/** A graphql-ws client for tests: no retries, close codes recorded. */
export function wsClient(httpUrl: string, token: string | null): WsClient {
  const closes: Array<{ code: number; reason: string }> = [];
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    on: {
      closed: (event) => {
        const close = event as { code: number; reason: string };
        closes.push({ code: close.code, reason: String(close.reason) });
      },
    },
  });
  return {
    client,
    closes,
    subscribe<T>(query: string, variables: Record<string, unknown> = {}): Subscription<T> {
      const received: T[] = [];
      const errors: unknown[] = [];
      let wake: () => void = () => undefined;
      let settle: () => void = () => undefined;
      const ended = new Promise<void>((resolve) => (settle = resolve));
      const stop = client.subscribe<Record<string, T>>(
        { query, variables },
        {
          next: (result) => {
            if (result.errors) errors.push(...result.errors);
            const value = result.data ? Object.values(result.data)[0] : undefined;
            if (value !== undefined) received.push(value);
            wake();
          },
          error: (error) => {
            errors.push(error);
            wake();
            settle();
          },
          complete: () => {
            wake();
            settle();
          },
        },
      );
      return {
        received,
        errors,
        ended,
        stop,
        async until(done, timeoutMs = 30_000) {
          const deadline = Date.now() + timeoutMs;
          while (!done(received)) {
            const left = deadline - Date.now();
            if (left <= 0) {
              throw new Error(
                `subscription condition not met in ${timeoutMs} ms; got ${JSON.stringify(received).slice(0, 2000)}; errors ${JSON.stringify(errors)}`,
              );
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, Math.min(left, 250));
            });
          }
          return received;
        },
      };
    },
    dispose: () => Promise.resolve(client.dispose()),
  };
}
