import WebSocket from 'ws';

/**
 * A graphql-transport-ws client at the socket level, for tests that must control reading: `pause` stops
 * reading from the socket (as a stuck browser tab would), `resume` starts again.
 */
export interface RawGraphqlWs {
  socket: WebSocket;
  /** Every `next` payload received, by subscription id. */
  results: Map<string, unknown[]>;
  /** Every `error` payload received, by subscription id. */
  errors: Map<string, unknown>;
  closed: Promise<{ code: number; reason: string }>;
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void;
  pause(): void;
  resume(): void;
  close(): void;
}

export async function rawGraphqlWs(
  url: string,
  connectionPayload: Record<string, unknown>,
): Promise<RawGraphqlWs> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const results = new Map<string, unknown[]>();
  const errors = new Map<string, unknown>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const acknowledged = new Promise<void>((resolve, reject) => {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type: string; id?: string; payload?: unknown };
      if (message.type === 'connection_ack') resolve();
      else if (message.type === 'next') {
        const list = results.get(message.id!) ?? [];
        list.push(message.payload);
        results.set(message.id!, list);
      } else if (message.type === 'error') errors.set(message.id!, message.payload);
    });
    socket.on('error', reject);
    void closed.then(({ code, reason }) => reject(new Error(`closed before ack: ${code} ${reason}`)));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: connectionPayload }));
  await acknowledged;
  return {
    socket,
    results,
    errors,
    closed,
    subscribe: (id, query, variables = {}) =>
      socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } })),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    close: () => socket.terminate(),
  };
}
