import { describe, expect } from 'vitest';
import { test, type Harness } from '../support/fixtures';
import { actionOf, approval, command, createPipeline, trigger, waitForRun } from '../support/pipelines';

interface AuditRow {
  principal_name: string | null;
  operation: string;
  target: Record<string, unknown>;
  outcome: string;
  error_code: string | null;
  detail: string | null;
}

const audit = (h: Harness, operation: string): Promise<AuditRow[]> =>
  h.dataSource.query(
    `SELECT principal_name, operation, target, outcome, error_code, detail FROM audit_log WHERE operation = $1 ORDER BY id`,
    [operation],
  );

describe('the audit trail', () => {
  test('records every decision and every refused attempt, with who, what and the outcome, never a secret', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'audited',
      stages: [{ name: 'production', actions: [approval('go-live'), command('deploy', 'true', 2)] }],
    });
    const run = await trigger(h, pipeline.id);
    const waiting = await waitForRun(
      h,
      run.id,
      (r) => actionOf(r, 'production', 'go-live').status === 'WAITING_FOR_APPROVAL',
    );
    const gateId = actionOf(waiting, 'production', 'go-live').id;
    const approve = `mutation($id: ID!) { approveAction(actionRunId: $id, comment: "secret-ish comment") { id } }`;

    const viewer = await h.tokenFor('VIEWER', 'victor');
    expect((await h.gql(approve, { id: gateId }, viewer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await h.gql(approve, { id: gateId }, null)).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await h.gql(approve, { id: gateId })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN'); // self-approval
    expect(
      (await h.gql(approve, { id: gateId }, await h.tokenFor('APPROVER', 'alice'))).errors,
    ).toBeUndefined();

    const rows = await audit(h, 'approveAction');
    expect(rows.map((r) => [r.principal_name, r.outcome, r.error_code])).toEqual([
      ['victor', 'DENIED', 'FORBIDDEN'],
      [null, 'DENIED', 'UNAUTHENTICATED'],
      ['test-admin', 'DENIED', 'FORBIDDEN'],
      ['alice', 'ALLOWED', null],
    ]);
    expect(rows.every((r) => r.target.actionRunId === gateId)).toBe(true);
    expect(rows[2]!.detail).toContain('self-approval');
    expect(JSON.stringify(rows)).not.toContain('secret-ish comment');

    const created = await audit(h, 'createPipeline');
    expect(created).toEqual([
      expect.objectContaining({
        outcome: 'ALLOWED',
        principal_name: 'test-admin',
        target: { 'input.name': 'audited' },
      }),
    ]);

    const bad = await h.gql(`mutation { createPipeline(input: { name: "empty", stages: [] }) { id } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await audit(h, 'createPipeline')).at(-1)).toMatchObject({
      outcome: 'FAILED',
      error_code: 'BAD_USER_INPUT',
    });

    await h.gql(`mutation($i: SecretInput!) { setSecret(input: $i) { id } }`, {
      i: { name: 'AUDITED', value: 'never-in-the-audit-log' },
    });
    const secretRows = await audit(h, 'setSecret');
    expect(secretRows).toEqual([
      expect.objectContaining({ outcome: 'ALLOWED', target: { 'input.name': 'AUDITED' } }),
    ]);
    expect(JSON.stringify(secretRows)).not.toContain('never-in-the-audit-log');
  });
});
