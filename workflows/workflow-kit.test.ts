import { describe, expect, it } from 'vitest';
import type { Decision } from './definitions';
import { ApprovalGate, describeRejection, offerProven } from './workflow-kit';

const decision = (principalId: string, approved = true, comment: string | null = null): Decision => ({
  principalId,
  principalName: principalId,
  approved,
  comment,
});

describe('ApprovalGate', () => {
  it('closes after requiredApprovals distinct people and ignores repeats', () => {
    const gate = new ApprovalGate({ requiredApprovals: 2, allowSelfApproval: false, triggeredById: 'owner' });
    expect(gate.offer(decision('alice'))).toBe(true);
    expect(gate.offer(decision('alice'))).toBe(false);
    expect(gate.closed).toBe(false);
    expect(gate.offer(decision('bob'))).toBe(true);
    expect(gate.closed).toBe(true);
    expect(gate.approved).toBe(true);
    expect(gate.offer(decision('carol', false))).toBe(false); // late
    expect(gate.pending.map((d) => d.principalId)).toEqual(['alice', 'bob']);
  });

  it('refuses the person who triggered the run unless the gate allows self-approval', () => {
    const strict = new ApprovalGate({
      requiredApprovals: 1,
      allowSelfApproval: false,
      triggeredById: 'owner',
    });
    expect(strict.offer(decision('owner'))).toBe(false);
    expect(strict.closed).toBe(false);
    const relaxed = new ApprovalGate({
      requiredApprovals: 1,
      allowSelfApproval: true,
      triggeredById: 'owner',
    });
    expect(relaxed.offer(decision('owner'))).toBe(true);
    expect(relaxed.approved).toBe(true);
  });

  it('closes on the first rejection, and a timeout closes it without approving', () => {
    const gate = new ApprovalGate({ requiredApprovals: 2, allowSelfApproval: false, triggeredById: 'owner' });
    gate.offer(decision('alice'));
    gate.offer(decision('bob', false, 'error budget is spent'));
    expect(gate.closed).toBe(true);
    expect(gate.approved).toBe(false);
    expect(describeRejection(gate.rejection!)).toBe('rejected by bob: error budget is spent');

    const silent = new ApprovalGate({
      requiredApprovals: 1,
      allowSelfApproval: false,
      triggeredById: 'owner',
    });
    silent.expire();
    expect(silent).toMatchObject({ closed: true, timedOut: true, approved: false });
    expect(silent.offer(decision('alice'))).toBe(false);
  });
});

describe('ApprovalGate with proofs required', () => {
  const rules = { requiredApprovals: 1, allowSelfApproval: false, triggeredById: 'owner' };

  it('offers decisions at once until proofs are required, then holds them until proven', async () => {
    const legacy = new ApprovalGate(rules);
    legacy.receive(decision('alice'));
    expect(legacy.closed).toBe(true);

    const gate = new ApprovalGate(rules);
    gate.requireProofs();
    gate.receive(decision('mallory'));
    gate.receive(decision('alice'));
    expect(gate.closed).toBe(false);
    expect(gate.unproven.map((d) => d.principalId)).toEqual(['mallory', 'alice']);
    const asked: string[] = [];
    await offerProven(gate, async (d) => {
      asked.push(d.principalId);
      return { proven: d.principalId === 'alice' };
    });
    expect(asked).toEqual(['mallory', 'alice']);
    expect(gate.approvers).toEqual(new Set(['alice']));
    expect(gate.approved).toBe(true);
  });

  it('stops proving once the gate closes, and takes nothing after', async () => {
    const gate = new ApprovalGate(rules);
    gate.requireProofs();
    gate.receive(decision('alice'));
    gate.receive(decision('bob', false));
    const asked: string[] = [];
    await offerProven(gate, async (d) => (asked.push(d.principalId), { proven: true }));
    expect(asked).toEqual(['alice']);
    gate.receive(decision('carol'));
    expect(gate.unproven).toEqual([]);
  });
});
