import { DecisionProver } from '../../db/decision-proof';
import type { SecretBox } from '../../db/secret-box';
import type { DecisionCheck } from '../definitions';

/**
 * Confirms that a decision signalled to a gate was made by the API (db/decision-proof.ts). Workflow code
 * cannot hold the key (its history is readable in Temporal), so gates ask this local activity; its answer
 * is recorded in the history, so a replay decides the same. A refused decision is logged here and never
 * offered to the gate, which stays open.
 */
export function createDecisionActivities({
  secretBox,
  log = (message: string) => console.warn(message),
}: {
  secretBox: SecretBox | null;
  log?: (message: string) => void;
}) {
  const prover = secretBox ? DecisionProver.from(secretBox) : null;

  async function verifyDecision(check: DecisionCheck): Promise<{ proven: boolean }> {
    // Without LOCKSTEP_SECRET_KEY nothing can be proven or checked; the worker said so when it started.
    if (!prover) return { proven: true };
    const { decision, gate } = check;
    const why = prover.check(gate, decision, decision.proof, {
      openedAt: new Date(check.openedAt),
      now: new Date(),
    });
    if (why === null) return { proven: true };
    const target =
      gate.kind === 'approval'
        ? `approval gate ${gate.actionRunId} of run ${gate.runId}`
        : gate.kind === 'plan'
          ? `the plan of deployment run ${gate.deploymentRunId}`
          : `skipping the failed actions of run ${gate.runId}`;
    log(
      `refused a decision on ${target} in the name of ${JSON.stringify(decision.principalName)} ` +
        `(${decision.principalId}): ${why}; it was not made through the API, so the gate stays as it was`,
    );
    return { proven: false };
  }

  return { verifyDecision };
}
