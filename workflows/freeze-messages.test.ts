// The messages of the freeze events (workflows/pipeline-run/freeze.ts); beside the kit's test, since tests may
// not sit in the sandboxed folder.
import { describe, expect, it } from 'vitest';
import { heldMessage, overrideMessage } from './pipeline-run/freeze';

describe('freeze event messages', () => {
  it('FREEZE_HELD names each window and when it ends', () => {
    const window = (name: string, endsAt: string) => ({ windowId: name, name, endsAt, endsInMs: 1 });
    expect(heldMessage([window('Holiday', '2026-12-27T00:00:00.000Z')])).toBe(
      'frozen by "Holiday" until 2026-12-27T00:00:00.000Z',
    );
    expect(
      heldMessage([
        window('Holiday', '2026-12-27T00:00:00.000Z'),
        window('Audit', '2026-12-31T00:00:00.000Z'),
      ]),
    ).toBe(
      'frozen by "Holiday" until 2026-12-27T00:00:00.000Z; frozen by "Audit" until 2026-12-31T00:00:00.000Z',
    );
  });

  it('FREEZE_OVERRIDDEN says who let the run through which window, and why', () => {
    expect(
      overrideMessage([{ windowId: 'w', name: 'Holiday', by: 'alice', reason: 'hotfix for INC-42' }]),
    ).toBe('freeze "Holiday" overridden by alice: hotfix for INC-42');
  });
});
