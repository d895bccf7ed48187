import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from './secret-box';

/**
 * The gate a decision is for: an APPROVAL action of a pipeline run, a deployment run's plan, or the failed
 * actions of a run held after a failure (skipped by a person: `skipFailedActions`).
 */
export type DecisionGate =
  | { kind: 'approval'; runId: string; actionRunId: string }
  | { kind: 'plan'; deploymentRunId: string }
  | { kind: 'skip'; runId: string };

/** What a decision says: who decided, which way, and why. */
export interface DecisionClaim {
  principalId: string;
  principalName: string;
  approved: boolean;
  comment: string | null;
}

/** Sent with a decision's signal: an HMAC over the gate, the claim, when it was issued and a nonce. */
export interface DecisionProof {
  issuedAt: string;
  nonce: string;
  mac: string;
}

/** How far the API's clock and the workflow's may disagree. */
const clockSkewMs = 60_000;

/**
 * Proofs that a decision on a gate was made through the API, which checked the caller's token and role. Only
 * processes holding LOCKSTEP_SECRET_KEY (the API and the worker) can make or check one; a signal sent to
 * Temporal directly, with any principal id, carries none. The key is derived for this use alone and never
 * enters workflow code or its history: workflows check proofs through a local activity.
 */
export class DecisionProver {
  private constructor(private readonly key: Buffer) {}

  static from(box: SecretBox): DecisionProver {
    return new DecisionProver(box.deriveKey('decision-proof/v1'));
  }

  prove(gate: DecisionGate, claim: DecisionClaim, now = new Date()): DecisionProof {
    const issuedAt = now.toISOString();
    const nonce = randomBytes(16).toString('hex');
    return { issuedAt, nonce, mac: this.mac(gate, claim, issuedAt, nonce).toString('hex') };
  }

  /**
   * Why the proof does not hold, or null when it does: the MAC must cover exactly this gate and claim, and
   * it must have been issued while the gate was open (not before `openedAt`, so a proof copied from an
   * earlier opening of the same gate, e.g. before a manual retry, is refused; not after `now`).
   */
  check(
    gate: DecisionGate,
    claim: DecisionClaim,
    proof: DecisionProof | null | undefined,
    window: { openedAt: Date; now: Date },
  ): string | null {
    if (!proof || typeof proof.mac !== 'string' || typeof proof.nonce !== 'string')
      return 'it carries no proof';
    const issued = new Date(proof.issuedAt).getTime();
    if (Number.isNaN(issued)) return 'its proof has no valid time';
    const given = Buffer.from(proof.mac, 'hex');
    const expected = this.mac(gate, claim, proof.issuedAt, proof.nonce);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return 'its proof does not match the decision';
    if (issued < window.openedAt.getTime() - clockSkewMs)
      return 'its proof was issued before the gate opened';
    if (issued > window.now.getTime() + clockSkewMs) return 'its proof was issued in the future';
    return null;
  }

  private mac(gate: DecisionGate, claim: DecisionClaim, issuedAt: string, nonce: string): Buffer {
    const target =
      gate.kind === 'approval'
        ? [gate.runId, gate.actionRunId]
        : gate.kind === 'plan'
          ? [gate.deploymentRunId]
          : [gate.runId];
    const fields = [
      'lockstep-decision-v1',
      gate.kind,
      ...target,
      claim.principalId,
      claim.principalName,
      claim.approved,
      claim.comment,
      issuedAt,
      nonce,
    ];
    return createHmac('sha256', this.key).update(JSON.stringify(fields)).digest();
  }
}
