// The /live relay: one browser WebSocket joined to one graphql-ws connection to the API, signed in with the
// token from the httpOnly cookie. Server-side only (web/server.ts); page scripts never see the token.
import { WebSocket, type RawData } from 'ws';

export const liveProtocol = 'graphql-transport-ws';

/**
 * The API's close code, passed on; an API gone without a close frame (1005, 1006) or unreachable becomes
 * 1013 "try again later", which graphql-ws clients retry (1011 would end their subscriptions for good).
 */
const sendable = (code: number) => (code === 1005 || code === 1006 || code < 1000 ? 1013 : code);
/** Messages held for an API connection still opening, at most. */
const maxWaiting = 100;

/**
 * Backpressure: when one side has this much unsent, the relay stops reading the other side (which then
 * stops reading its own peer: the API drops a subscriber that falls too far behind). Reading resumes once
 * the backlog is under `lowWater`. So a browser that stops reading costs the dashboard about `highWater`
 * plus one message, never the whole stream.
 */
export const relayBuffer = { highWater: 1024 * 1024, lowWater: 256 * 1024 };

const text = (data: RawData) =>
  (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');

/** Sends `message` from one side to `to`, pausing `from` while `to` has too much unsent. */
function forward(from: WebSocket, to: WebSocket, message: string): void {
  to.send(message, () => {
    if (from.isPaused && to.bufferedAmount < relayBuffer.lowWater) from.resume();
  });
  if (to.bufferedAmount > relayBuffer.highWater) from.pause();
}

export function relay(client: WebSocket, token: string, apiWsUrl: string): WebSocket {
  const upstream = new WebSocket(apiWsUrl, liveProtocol, {
    handshakeTimeout: 10_000,
    maxPayload: 1024 * 1024,
  });
  const waiting: string[] = [];
  client.on('message', (data) => {
    let message = text(data);
    try {
      const parsed = JSON.parse(message) as { type?: string; payload?: unknown };
      if (parsed.type === 'connection_init') {
        parsed.payload = { authorization: `Bearer ${token}` };
        message = JSON.stringify(parsed);
      }
    } catch {
      // not JSON: the API answers it as graphql-ws does
    }
    if (upstream.readyState === WebSocket.OPEN) forward(client, upstream, message);
    else if (upstream.readyState === WebSocket.CONNECTING && waiting.length < maxWaiting)
      waiting.push(message);
    else client.close(1013, 'the API connection is not open');
  });
  upstream.on('open', () => waiting.splice(0).forEach((message) => forward(client, upstream, message)));
  upstream.on(
    'message',
    (data) => client.readyState === WebSocket.OPEN && forward(upstream, client, text(data)),
  );
  upstream.on('close', (code, reason) => client.close(sendable(code), reason));
  upstream.on('error', () => client.close(1013, 'the API is not reachable'));
  client.on('close', () => upstream.close());
  client.on('error', () => upstream.close());
  return upstream;
}
