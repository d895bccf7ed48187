// The dashboard's server: Next.js for pages, plus /live, a WebSocket relay to the API's graphql-ws endpoint
// that signs each connection in with the token from the httpOnly cookie (page scripts never hold it).
import next from 'next';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { webConfig } from './lib/config';
import { tokenCookie } from './lib/session';
import { liveProtocol as protocol, relay } from './live-relay';

/** A cookie's value; like Next's own parser, the last one wins and an undecodable one counts as absent. */
function cookie(header: string | undefined, name: string): string | null {
  let found: string | null = null;
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      found = decodeURIComponent(value.join('='));
    } catch {
      found = null;
    }
  }
  return found;
}

/** Only pages of this site may open /live (a WebSocket carries cookies from any origin). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

const reject = (socket: Duplex, status: string) =>
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);

async function main(): Promise<void> {
  const { port } = webConfig(); // a bad variable stops the dashboard here, named
  const app = next({ dev: false, dir: path.join(__dirname), port, hostname: '0.0.0.0' });
  const handle = app.getRequestHandler();
  await app.prepare();
  const live = new WebSocketServer({
    noServer: true,
    maxPayload: 1024 * 1024,
    handleProtocols: (protocols) => (protocols.has(protocol) ? protocol : false),
  });
  const server = createServer((req, res) => void handle(req, res));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      if (new URL(req.url ?? '/', 'http://web').pathname !== '/live') return reject(socket, '404 Not Found');
      if (!sameOrigin(req)) return reject(socket, '403 Forbidden');
      const offered = String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((p) => p.trim());
      if (!offered.includes(protocol)) return reject(socket, '400 Bad Request');
      const token = cookie(req.headers.cookie, tokenCookie);
      if (!token) return reject(socket, '401 Unauthorized');
      live.handleUpgrade(req, socket, head, (client) => relay(client, token, webConfig().apiWsUrl));
    } catch {
      reject(socket, '400 Bad Request');
    }
  });
  server.listen(port, () => console.log(`web: dashboard on http://localhost:${port}`));
  const stop = () => {
    live.clients.forEach((c) => c.close(1001, 'the dashboard is restarting'));
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(`web: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
