import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDirectoryFile } from '../../src/directory/file-directory.js';
import { cleanInput, hasControlCharacters, htmlAttachmentsOf } from '../../src/language/clean.js';
import { toContractJson, understand } from '../../src/language/understand.js';

// The bundled directory: Priya Raghunathan, Liam O'Connor, the group Training, the shared mailbox Facturen.
const directory = loadDirectoryFile(fileURLToPath(new URL('./fixtures/northwind-directory.json', import.meta.url)));
const read = async (text: string) =>
  toContractJson(await understand(text, { directory, requesterId: 'u-emma', now: new Date('2026-11-23T08:00:00Z'), utcOffsetMinutes: 60 }));

describe('cleanInput', () => {
  it('decodes HTML character entities: named, decimal and hexadecimal', () => {
    expect(cleanInput('give Priya send on behalf of &quot;Training&quot;')).toBe('give Priya send on behalf of "Training"');
    expect(cleanInput('give O&#39;Connor full access to Facturen')).toBe("give O'Connor full access to Facturen");
    expect(cleanInput('O&#x27;Connor &amp; Zo&euml; &lt;3 caf&eacute;&nbsp;team')).toBe("O'Connor & Zoë <3 café team");
  });

  it('leaves an ampersand that starts no entity as written', () => {
    expect(cleanInput('give Zoë send as on Events & Outreach')).toBe('give Zoë send as on Events & Outreach');
    expect(cleanInput('R&D &notes')).toBe('R&D &notes');
  });

  it('reads markup as HTML: tags out, block ends separate words, inline tags do not', () => {
    expect(cleanInput('<p>give Priya</p><p>send as on Training</p>')).toBe('give Priya send as on Training');
    expect(cleanInput('<div>geef <b>Bj</b>örn volledige toegang<br>tot Support</div>')).toBe('geef Björn volledige toegang tot Support');
    expect(cleanInput('give Priya send as on Training<script>alert(1)</script>')).toBe('give Priya send as on Training');
  });

  it('drops the mention that opens a message (the bot) and keeps later mentions (people)', () => {
    expect(cleanInput('<at>Delegation Bot</at> give <at>Priya Raghunathan</at> send as on Training')).toBe('give Priya Raghunathan send as on Training');
    expect(cleanInput('<at>Priya</at> needs send as on Training', undefined, { dropLeadingMention: false })).toBe('Priya needs send as on Training');
  });

  it('reads the text/html attachment when the text holds no words', () => {
    const html = '<div><div><at id="0">Delegation Bot</at>&nbsp;give O&#39;Connor full access to Facturen</div></div>';
    expect(cleanInput('', [html])).toBe("give O'Connor full access to Facturen");
    expect(cleanInput('  ', ['', html])).toBe("give O'Connor full access to Facturen");
    // Text with words wins over the attachment.
    expect(cleanInput('help', [html])).toBe('help');
    expect(cleanInput('', [])).toBe('');
  });

  it('makes one line: line breaks, tabs and runs of spaces become one space; invisible characters go', () => {
    expect(cleanInput('  give Priya\r\nsend as\ton\u00A0\u00A0Training\u200B  ')).toBe('give Priya send as on Training');
  });

  it('keeps control characters so the caller can refuse the message', () => {
    const cleaned = cleanInput('give Priya \u0007send as on Training');
    expect(hasControlCharacters(cleaned)).toBe(true);
    expect(hasControlCharacters(cleanInput('give Priya\nsend as on Training'))).toBe(false);
  });
});

describe('htmlAttachmentsOf', () => {
  it('takes the string contents of text/html attachments only', () => {
    expect(
      htmlAttachmentsOf([
        { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } },
        { contentType: 'text/html', content: '<p>one</p>' },
        { contentType: 'text/html; charset=utf-8', content: '<p>two</p>' },
        { contentType: 'text/html', content: { not: 'a string' } },
      ]),
    ).toEqual(['<p>one</p>', '<p>two</p>']);
    expect(htmlAttachmentsOf(undefined)).toEqual([]);
  });
});

describe('understand on text as Teams delivers it', () => {
  it('reads a quoted target written with &quot;', async () => {
    expect(await read('give Priya send on behalf of &quot;Training&quot;')).toMatchObject({
      intent: 'grant', permission: 'SendOnBehalf', grantee: { status: 'resolved', id: 'u-priya' }, target: { status: 'resolved', id: 'g-training' },
    });
  });

  it('reads a name with an apostrophe written as &#39;', async () => {
    expect(await read('give O&#39;Connor full access to Facturen')).toMatchObject({
      intent: 'grant', permission: 'FullAccess', grantee: { status: 'resolved', id: 'u-liam' }, target: { status: 'resolved', id: 's-invoices' },
    });
  });

  it('reads a message that arrived only as HTML, once cleaned as the channel cleans it', async () => {
    const text = cleanInput('', ['<p><at>Bot</at> give Priya send as on <b>Training</b></p>']);
    expect(await read(text)).toMatchObject({ intent: 'grant', permission: 'SendAs', grantee: { status: 'resolved', id: 'u-priya' } });
  });
});
