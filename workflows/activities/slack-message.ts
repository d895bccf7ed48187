/** What a Slack notification says about one event of a run. */
export interface SlackEventFacts {
  pipelineName: string;
  runNumber: number;
  type: string;
  stageName: string | null;
  actionName: string | null;
  message: string | null;
  /** An approval request's summary ("3 new commits; app 1.4.1 -> 1.4.2"), on a line of its own. */
  approval?: string | null;
  /** The run's page on the dashboard. */
  url: string;
}

/**
 * Slack reads `<...>` in message text as a link, a mention (`<!channel>`, `<@U123>`) or a command, and `&` as
 * the start of an escape; so every text that came from people or commands (pipeline, stage and action names,
 * failure messages) has `&`, `<` and `>` escaped, or a failing command could ping a whole channel or show a
 * link of its choosing. `&` first, so the escapes themselves are kept.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The body of a delivery to a Slack incoming webhook: a line of text and a button that opens the run. */
export function slackMessage(facts: SlackEventFacts): string {
  const where = [facts.stageName, facts.actionName].filter(Boolean).join(' / ');
  const text =
    `*${escapeSlack(facts.pipelineName)}* run #${facts.runNumber}: ${escapeSlack(facts.type)}` +
    `${where ? ` at ${escapeSlack(where)}` : ''}` +
    `${facts.message ? ` — ${escapeSlack(facts.message)}` : ''}` +
    `${facts.approval ? `\n${escapeSlack(facts.approval)}` : ''}`;
  const open = `Open run #${facts.runNumber}`;
  return JSON.stringify({
    // Only our own URL goes inside <...|...>: the one link the message carries.
    text: `${text} <${facts.url}|${open}>`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      // plain_text is never parsed for links or mentions.
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: open }, url: facts.url }],
      },
    ],
  });
}
