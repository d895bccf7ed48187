import { webConfig } from '@/lib/config';

export const dynamic = 'force-dynamic';

export default function Home() {
  return (
    <section>
      <h1>Lockstep</h1>
      <p>
        Durable deployment pipelines on Temporal. The GraphQL API is at <code>{webConfig.apiUrl}</code> (HTTP
        and WebSocket); send <code>Authorization: Bearer &lt;api token&gt;</code>.
      </p>
    </section>
  );
}
