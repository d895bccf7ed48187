'use client';

import type { Client } from 'graphql-ws';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { LiveLog, type LiveLogLine } from '@/components/live-log';
import { DeploymentLogsDocument } from '@/lib/graphql-operations';
import { follow, liveClient } from '../../runs/[id]/live-client';

/**
 * A Deployment Run's plan and apply lines through the /live subscription; while it has not finished, the
 * page re-reads its status (and plan approval) every two seconds.
 */
export function DeploymentRunLive({ id, finished }: { id: string; finished: boolean }) {
  const router = useRouter();
  const [client, setClient] = useState<Client | null>(null);
  useEffect(() => {
    const ws = liveClient(() => undefined);
    setClient(ws);
    return () => {
      setClient(null);
      void ws.dispose();
    };
  }, []);
  useEffect(() => {
    if (finished) return;
    const poll = setInterval(() => router.refresh(), 2000);
    return () => clearInterval(poll);
  }, [finished, router]);
  const subscribe = useCallback(
    (after: number, push: (line: LiveLogLine) => void) =>
      follow(client!, DeploymentLogsDocument, { d: id, after }, ({ deploymentLogs }) => push(deploymentLogs)),
    [client, id],
  );
  return <LiveLog label="Logs of the deployment run" subscribe={client ? subscribe : null} />;
}
