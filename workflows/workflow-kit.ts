/**
 * Helpers shared by the workflows. Workflow code: deterministic, no I/O; it imports only the SDK and the
 * definitions module.
 */
import { ActivityFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import type { Decision } from './definitions';

export function now(): string {
  return new Date().toISOString(); // workflow time: deterministic under replay
}

/** The message a person should read for a failed activity or child workflow. */
export function reasonOf(error: unknown): string {
  if ((error instanceof ActivityFailure || error instanceof ChildWorkflowFailure) && error.cause) {
    return error.cause.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * An approval gate's bookkeeping. The API checks callers before it signals; the gate is still the
 * authority, so late, duplicate and self-approvals change nothing here.
 */
export interface GateRules {
  requiredApprovals: number;
  allowSelfApproval: boolean;
  /** Who started the run: refused unless the gate allows self-approval. */
  triggeredById: string;
}

export class ApprovalGate {
  readonly approvers = new Set<string>();
  rejection: Decision | null = null;
  closed = false;
  timedOut = false;
  /** Accepted decisions not yet recorded in PostgreSQL, in arrival order. */
  readonly pending: Decision[] = [];
  /** Decisions received and not yet proven (only when the gate requires proofs), in arrival order. */
  readonly unproven: Decision[] = [];
  private proofsRequired = false;

  constructor(readonly rules: GateRules) {}

  /** From now on a decision counts only once its proof is confirmed (`offerProven`). */
  requireProofs(): void {
    this.proofsRequired = true;
  }

  /** A decision as it arrives by signal: offered at once, or held until its proof is confirmed. */
  receive(decision: Decision): void {
    if (!this.proofsRequired) this.offer(decision);
    else if (!this.closed) this.unproven.push(decision);
  }

  /** Takes a decision if it counts; returns whether it did. */
  offer(decision: Decision): boolean {
    if (this.closed || this.approvers.has(decision.principalId)) return false;
    if (decision.principalId === this.rules.triggeredById && !this.rules.allowSelfApproval) return false;
    this.pending.push(decision);
    if (!decision.approved) {
      this.rejection = decision;
      this.closed = true;
    } else {
      this.approvers.add(decision.principalId);
      if (this.approvers.size >= this.rules.requiredApprovals) this.closed = true;
    }
    return true;
  }

  expire(): void {
    if (this.closed) return;
    this.timedOut = true;
    this.closed = true;
  }

  get approved(): boolean {
    return this.closed && !this.rejection && !this.timedOut;
  }
}

/**
 * Offers the gate each decision received so far whose proof `verify` (the local activity `verifyDecision`)
 * confirms, in arrival order; the others are dropped (the activity logs them). Call it only when
 * `gate.unproven` is not empty, so gates that take decisions unproven issue no command here.
 */
export async function offerProven(
  gate: ApprovalGate,
  verify: (decision: Decision) => Promise<{ proven: boolean }>,
): Promise<void> {
  for (const decision of gate.unproven.splice(0)) {
    if (gate.closed) return;
    if ((await verify(decision)).proven) gate.offer(decision);
  }
}

/** "rejected by carol: error budget is spent" */
export function describeRejection(decision: Decision): string {
  return `rejected by ${decision.principalName}${decision.comment ? `: ${decision.comment}` : ''}`;
}

/** "alice: dashboards green", the message of an APPROVAL_GRANTED / APPROVAL_REJECTED event. */
export function describeDecision(decision: Decision): string {
  return `${decision.principalName}${decision.comment ? `: ${decision.comment}` : ''}`;
}
