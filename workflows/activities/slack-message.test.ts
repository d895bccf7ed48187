import { describe, expect, it } from 'vitest';
import { escapeSlack } from './slack-message';
import { deliveryBody } from './webhook.activity';

type Row = Parameters<typeof deliveryBody>[0];

const row = (overrides: Partial<Row>): Row =>
  ({
    id: 'delivery-1',
    format: 'slack',
    type: 'RUN_FAILED',
    stage_name: null,
    action_name: null,
    message: null,
    at: new Date('2026-01-01T00:00:00Z'),
    run_id: 'run-1',
    run_number: 7,
    run_status: 'FAILED',
    pipeline_id: 'pipeline-1',
    pipeline_name: 'checkout',
    ...overrides,
  }) as Row;

const slack = (overrides: Partial<Row>) =>
  JSON.parse(deliveryBody(row(overrides), 'https://lockstep.example')) as {
    text: string;
    blocks: Array<{ type: string; text?: { text: string } }>;
  };

describe('Slack messages', () => {
  it('escapes &, < and > (& first, so the escapes survive)', () => {
    expect(escapeSlack('a & b <c> &amp;')).toBe('a &amp; b &lt;c&gt; &amp;amp;');
  });

  it('a failure message cannot mention a channel or carry a link of its own', () => {
    const message = slack({
      pipeline_name: 'pay <!here>',
      stage_name: 'deploy <@U024BE7LH>',
      action_name: 'ship & tell',
      message: 'exit 1: <!channel> see <https://evil.example|your logs>',
    });
    const section = message.blocks.find((b) => b.type === 'section')!.text!.text;
    for (const text of [message.text, section]) {
      expect(text).not.toMatch(/<!|<@|<https:\/\/evil/);
      expect(text).toContain('&lt;!channel&gt; see &lt;https://evil.example|your logs&gt;');
      expect(text).toContain('*pay &lt;!here&gt;*');
      expect(text).toContain('deploy &lt;@U024BE7LH&gt; / ship &amp; tell');
    }
    // The run's own link is the one link left.
    expect(message.text.match(/<[^&]/g)).toEqual(['<h']);
    expect(message.text).toContain('<https://lockstep.example/runs/run-1|Open run #7>');
  });
});
