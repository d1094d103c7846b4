import { describe, expect, it } from 'vitest';
import { escapeSlack, escapeSlackProse, plainTextOf } from '../../../src/channels/slack/escape.js';
import { SLACK_CONTROL_SEQUENCE } from '../../fakes/slack-block-kit.js';

describe('escapeSlack', () => {
  it.each([
    ['<!channel> please', '&lt;!channel&gt; please'],
    ['<@U0ADELE001>', '&lt;@U0ADELE001&gt;'],
    ['<https://evil.example|Approve here>', '&lt;https://evil.example|Approve here&gt;'],
    ['Tom & Jerry <3', 'Tom &amp; Jerry &lt;3'],
    ["Patti O'Brien", "Patti O'Brien"],
    ['x; Remove-Mailbox', 'x; Remove-Mailbox'],
  ])('%s -> %s', (input, output) => {
    expect(escapeSlack(input)).toBe(output);
    expect(escapeSlack(input)).not.toMatch(SLACK_CONTROL_SEQUENCE);
  });

  it('removes control and bidi characters and caps the length', () => {
    expect(escapeSlack('Meg\u202Ean\u0007 Bowen\u200B')).toBe('Megan Bowen');
    const long = escapeSlack('a'.repeat(1000), 100);
    expect(long).toHaveLength(100);
    expect(long.endsWith('…')).toBe(true);
  });

  it('never leaves an entity half-escaped (escaping is applied after the cut)', () => {
    expect(escapeSlack(`${'a'.repeat(98)}<bb`, 100)).toBe(`${'a'.repeat(98)}&lt;…`);
  });
});

describe('escapeSlackProse (a reason, in mrkdwn)', () => {
  it('shows formatting marks as typed: each in a date token Slack renders as its plain fallback', () => {
    const inert = (mark: string) => `<!date^00000000^{_}|${mark}>`;
    expect(escapeSlackProse('Niet nodig *shared* _x_ ~y~ `z`')).toBe(
      `Niet nodig ${inert('*')}shared${inert('*')} ${inert('_')}x${inert('_')} ${inert('~')}y${inert('~')} ${inert('`')}z${inert('`')}`,
    );
    expect(escapeSlackProse('*<!channel>*')).toBe(`${inert('*')}&lt;!channel&gt;${inert('*')}`);
    expect(escapeSlackProse('*<!channel>*')).not.toMatch(SLACK_CONTROL_SEQUENCE);
    expect(escapeSlack.prose).toBe(escapeSlackProse);
    // Names and ids keep the plain escape (they also go into plain_text button labels).
    expect(escapeSlack('Megan_B *x*')).toBe('Megan_B *x*');
  });
});

describe('plainTextOf (what the person typed, from the text Slack delivers)', () => {
  it('drops the mention of the app and keeps other mentions and links as they were shown', () => {
    expect(plainTextOf('<@U0BOTUSER> give <@U0MEGAN001|megan> send-as', 'U0BOTUSER').trim()).toBe('give @megan send-as');
    expect(plainTextOf('see <https://contoso.example/x|the page> and <mailto:a@b.example|a@b.example>')).toBe('see the page and a@b.example');
    expect(plainTextOf('<!here> and <#C0GENERAL1|general>')).toBe('@here and #general');
  });

  it('decodes the three entities Slack encodes', () => {
    expect(plainTextOf('Tom &amp; Jerry &lt;3 &gt;')).toBe('Tom & Jerry <3 >');
  });
});
