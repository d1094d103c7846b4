import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cardOf, DIRECTORY, people, teamsHarness, type TeamsHarness } from './harness.js';

const { alex, adele, megan } = people;

let h: TeamsHarness;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The Contoso directory with Megan Bowen renamed to `name`, as a file the harness can load. */
function directoryWithMeganNamed(name: string): string {
  const directory = JSON.parse(readFileSync(DIRECTORY, 'utf8')) as { users: Array<{ id: string; displayName: string }> };
  for (const user of directory.users) if (user.id === megan.aad) user.displayName = name;
  dir = mkdtempSync(join(tmpdir(), 'teams-text-'));
  const file = join(dir, 'directory.json');
  writeFileSync(file, JSON.stringify(directory));
  return `file:${file}`;
}

/** What the Bot Connector received for the one activity `say` made the bot send to Alex. */
async function answerTo(text: string): Promise<Record<string, any>> {
  const before = h.inbox(alex).length;
  await h.say(alex, text);
  const sent = h.inbox(alex).slice(before);
  expect(sent).toHaveLength(1);
  return sent[0]!.activity;
}

describe('Teams text messages: one format, escapes Teams renders', () => {
  it('sends a refusal quoting "-3 days" as Markdown, its escape rendered away rather than shown', async () => {
    h = await teamsHarness();
    await h.install(alex);

    const activity = await answerTo('give Megan send as on Training for -3 days');

    expect(activity.textFormat).toBe('markdown');
    // Markdown shows `\-3 days` as "-3 days"; as plain text the backslash was shown.
    expect(activity.text).toBe(
      'A time limit must be longer than zero, and "\\-3 days" is not; I did nothing. Ask again with a period such as "for 2 weeks" (at most a year), or with no end date.',
    );
    expect(activity.attachments).toBeUndefined();
  });

  it('shows a name with underscores, asterisks and tags as written: escaped, no mention', async () => {
    h = await teamsHarness({ DIRECTORY: directoryWithMeganNamed('Megan_B *Bowen* <at>Adele Vance</at>') });
    await h.install(alex);

    const activity = await answerTo('give Megan send as on Training until 1 November 2026');

    expect(activity.textFormat).toBe('markdown');
    expect(activity.text).toBe(
      'The end date of this request for Megan\\_B \\*Bowen\\* \\<at\\>Adele Vance\\</at\\> on Training is in the past; give a later date.',
    );
    // The name's `<at>` is text: no mention entity goes with it.
    expect(activity.entities ?? []).toEqual([]);
  });

  it('sends a summary as a card: its bold title from the card, the name escaped the same Markdown way', async () => {
    h = await teamsHarness({ DIRECTORY: directoryWithMeganNamed('Megan_B *Bowen*') });
    await h.install(alex);
    await h.install(adele);

    const activity = await answerTo('give Megan send-as on Training');

    expect(activity.text).toBeUndefined();
    expect(activity.textFormat).toBeUndefined();
    const card = cardOf({ conversationId: '', id: '', activity })!;
    expect(card.body[0]).toEqual({ type: 'TextBlock', text: 'Request: Send As for Megan\\_B \\*Bowen\\* on Training', wrap: true, weight: 'Bolder', size: 'Medium' });
    expect(card.body[2].facts[1]).toEqual({ title: 'For', value: 'Megan\\_B \\*Bowen\\*' });
  });

  it('sends a plain sentence without escapes unchanged', async () => {
    h = await teamsHarness();
    await h.install(alex);

    const activity = await answerTo('cancel');

    expect(activity).toMatchObject({ type: 'message', textFormat: 'markdown', text: 'You have no open request to cancel.' });
  });
});
