/** How far an approval that needs several approvers has come: "1 of 2 approvals". */
export function ApprovalProgress({ approved, required }: { approved: number; required: number }) {
  return (
    <p className="approval-progress" aria-label="Approvals so far">
      <strong>
        {approved} of {required} approval{required === 1 ? '' : 's'}
      </strong>
      {approved < required ? (
        <span className="muted"> · {required - approved} more needed, each from a different approver</span>
      ) : null}
    </p>
  );
}
