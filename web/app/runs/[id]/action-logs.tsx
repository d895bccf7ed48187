import type { Client } from 'graphql-ws';
import { useCallback } from 'react';
import { LiveLog, type LiveLogLine } from '@/components/live-log';
import { ActionLogsDocument } from '@/lib/graphql-operations';
import { follow } from './live-client';

/** An action's log, replayed then followed. */
export function ActionLogs({
  actionRunId,
  name,
  client,
}: {
  actionRunId: string;
  name: string;
  client: Client | null;
}) {
  const subscribe = useCallback(
    (after: number, push: (line: LiveLogLine) => void) =>
      follow(client!, ActionLogsDocument, { a: actionRunId, after }, ({ actionLogs }) => push(actionLogs)),
    [actionRunId, client],
  );
  return <LiveLog label={`Logs of ${name}`} subscribe={client ? subscribe : null} />;
}
