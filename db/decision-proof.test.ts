import { describe, expect, it } from 'vitest';
import { DecisionProver, type DecisionGate } from './decision-proof';
import { SecretBox } from './secret-box';

const box = SecretBox.fromBase64(SecretBox.generateKey());
const prover = DecisionProver.from(box);
const gate: DecisionGate = { kind: 'approval', runId: 'run-1', actionRunId: 'action-1' };
const claim = { principalId: 'alice-id', principalName: 'alice', approved: true, comment: 'ship it' };
const openedAt = new Date('2026-05-01T10:00:00Z');
const at = new Date('2026-05-01T10:05:00Z');
const window = { openedAt, now: at };

describe('DecisionProver', () => {
  it('proves a decision that the same key checks', () => {
    expect(prover.check(gate, claim, prover.prove(gate, claim, at), window)).toBeNull();
  });

  it("a skip's proof holds for that run's skip alone, not for another run or a gate of the same run", () => {
    const skip: DecisionGate = { kind: 'skip', runId: 'run-1' };
    const proof = prover.prove(skip, claim, at);
    expect(prover.check(skip, claim, proof, window)).toBeNull();
    expect(prover.check({ kind: 'skip', runId: 'run-2' }, claim, proof, window)).toMatch(/does not match/);
    expect(prover.check(gate, claim, proof, window)).toMatch(/does not match/);
    expect(prover.check(skip, { ...claim, comment: 'another reason' }, proof, window)).toMatch(
      /does not match/,
    );
  });

  it('refuses a missing proof, another key, and any field changed', () => {
    const proof = prover.prove(gate, claim, at);
    expect(prover.check(gate, claim, undefined, window)).toBe('it carries no proof');
    const other = DecisionProver.from(SecretBox.fromBase64(SecretBox.generateKey()));
    expect(other.check(gate, claim, proof, window)).toMatch(/does not match/);
    for (const forged of [
      { ...claim, principalId: 'mallory-id' },
      { ...claim, principalName: 'mallory' },
      { ...claim, approved: false },
      { ...claim, comment: 'changed' },
    ])
      expect(prover.check(gate, forged, proof, window)).toMatch(/does not match/);
    expect(prover.check({ ...gate, actionRunId: 'action-2' }, claim, proof, window)).toMatch(
      /does not match/,
    );
    expect(prover.check({ kind: 'plan', deploymentRunId: 'action-1' }, claim, proof, window)).toMatch(
      /does not match/,
    );
    expect(prover.check(gate, claim, { ...proof, issuedAt: new Date().toISOString() }, window)).toMatch(
      /does not match/,
    );
  });

  it('refuses a proof issued before the gate opened (a copy from an earlier execution) or in the future', () => {
    const old = prover.prove(gate, claim, new Date('2026-05-01T09:00:00Z'));
    expect(prover.check(gate, claim, old, window)).toMatch(/before the gate opened/);
    const future = prover.prove(gate, claim, new Date('2026-05-01T11:00:00Z'));
    expect(prover.check(gate, claim, future, window)).toMatch(/future/);
  });

  it('derives a key of its own from LOCKSTEP_SECRET_KEY', () => {
    expect(box.deriveKey('decision-proof/v1')).toHaveLength(32);
    expect(box.deriveKey('decision-proof/v1').equals(box.deriveKey('something-else'))).toBe(false);
  });
});
