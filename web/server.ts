// The dashboard's server: Next.js for pages, plus /live, a WebSocket relay to the API's graphql-ws endpoint
// that signs each connection in with the token from the httpOnly cookie (page scripts never hold it).
import next from 'next';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { tokenCookie } from './lib/session';

const port = Number(process.env.WEB_PORT ?? process.argv[process.argv.indexOf('--port') + 1] ?? 3000);
const apiUrl = process.env.LOCKSTEP_API_URL ?? 'http://localhost:4000/graphql';
const apiWsUrl = apiUrl.replace(/^http/, 'ws');
const protocol = 'graphql-transport-ws';

function cookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return null;
}

/** Close codes a server may send (1005 and 1006 are only ever observed). */
const sendable = (code: number) => (code === 1005 || code === 1006 || code < 1000 ? 1011 : code);

const text = (data: RawData) =>
  (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');

function relay(client: WebSocket, token: string): void {
  const upstream = new WebSocket(apiWsUrl, protocol);
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
    if (upstream.readyState === WebSocket.OPEN) upstream.send(message);
    else waiting.push(message);
  });
  upstream.on('open', () => waiting.splice(0).forEach((message) => upstream.send(message)));
  upstream.on('message', (data) => client.readyState === WebSocket.OPEN && client.send(text(data)));
  upstream.on('close', (code, reason) => client.close(sendable(code), reason));
  upstream.on('error', () => client.close(1011, 'the API is not reachable'));
  client.on('close', () => upstream.close());
  client.on('error', () => upstream.close());
}

async function main(): Promise<void> {
  const app = next({ dev: false, dir: path.join(__dirname), port, hostname: '0.0.0.0' });
  const handle = app.getRequestHandler();
  await app.prepare();
  const live = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has(protocol) ? protocol : false),
  });
  const server = createServer((req, res) => void handle(req, res));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://web').pathname !== '/live') return socket.destroy();
    const token = cookie(req.headers.cookie, tokenCookie);
    if (!token) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    live.handleUpgrade(req, socket, head, (client) => relay(client, token));
  });
  server.listen(port, () => console.log(`web: dashboard on http://localhost:${port}`));
  const stop = () => {
    live.clients.forEach((c) => c.terminate());
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
