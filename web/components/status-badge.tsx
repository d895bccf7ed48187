/** A run, stage or action status as a coloured word (the colour never carries the meaning alone). */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`status status-${status.toLowerCase()}`}>{status.toLowerCase().replace(/_/g, ' ')}</span>
  );
}
