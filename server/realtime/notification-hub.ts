import { Client } from 'pg';
import {
  notifyChannels,
  type EventNotification,
  type LogNotification,
  type RunNotification,
} from '../../db/notify';

export interface HubMessages {
  events: EventNotification;
  runs: RunNotification;
  logs: LogNotification;
  tokens: { tokenId: string };
  /** The LISTEN connection came back after a gap: listeners re-read what they may have missed. */
  reconnected: Record<string, never>;
}
type Topic = keyof HubMessages;
type Listener<K extends Topic> = (message: HubMessages[K]) => void;

const listened: Array<Exclude<Topic, 'reconnected'>> = ['events', 'runs', 'logs', 'tokens'];

/**
 * One LISTEN connection per API process, fanned out to every subscription in it. Each API replica has
 * its own, so every replica hears every change the engine announces (NOTIFY reaches all listeners). A lost
 * connection is re-established with backoff, and listeners are told to catch up from the database.
 */
export class NotificationHub {
  private readonly listeners = new Map<Topic, Set<Listener<Topic>>>();
  private client: Client | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly databaseUrl: string,
    private readonly log: (message: string) => void,
  ) {}

  static async start(databaseUrl: string, log: (message: string) => void): Promise<NotificationHub> {
    const hub = new NotificationHub(databaseUrl, log);
    await hub.connect();
    return hub;
  }

  on<K extends Topic>(topic: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener as Listener<Topic>);
    return () => set.delete(listener as Listener<Topic>);
  }

  /** How many listeners a topic has (for tests and metrics). */
  listenerCount(topic: Topic): number {
    return this.listeners.get(topic)?.size ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private emit<K extends Topic>(topic: K, message: HubMessages[K]): void {
    for (const listener of this.listeners.get(topic) ?? []) {
      try {
        listener(message);
      } catch (error) {
        this.log(`notification listener failed: ${(error as Error).message}`);
      }
    }
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: 'lockstep-api-listen',
    });
    const lost = (why: string) => {
      if (this.client !== client) return;
      this.client = null;
      void client.end().catch(() => undefined);
      if (this.closed) return;
      this.log(`notification connection lost (${why}); reconnecting`);
      this.scheduleReconnect(250);
    };
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('closed'));
    client.on('notification', ({ channel, payload }) => {
      const topic = listened.find((t) => notifyChannels[t] === channel);
      if (!topic || payload === undefined) return;
      try {
        this.emit(topic, JSON.parse(payload) as HubMessages[typeof topic]);
      } catch {
        this.log(`unreadable notification on ${channel}`);
      }
    });
    await client.connect();
    for (const topic of listened) await client.query(`LISTEN ${notifyChannels[topic]}`);
    this.client = client;
  }

  private scheduleReconnect(delayMs: number): void {
    this.retryTimer = setTimeout(() => {
      this.connect().then(
        () => this.emit('reconnected', {}),
        () => this.scheduleReconnect(Math.min(delayMs * 2, 5000)),
      );
    }, delayMs);
  }
}
