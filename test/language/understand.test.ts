import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FileDirectory, loadDirectoryFile, parseDirectoryFile } from '../../src/directory/file-directory.js';
import { readFileSync } from 'node:fs';
import { MAX_TEXT_LENGTH, toContractJson, understand, type UnderstandOptions } from '../../src/language/understand.js';

const directory = loadDirectoryFile(fileURLToPath(new URL('./fixtures/directory.json', import.meta.url)));
const options: UnderstandOptions = { directory, requesterId: 'u-emma', now: new Date('2026-11-23T08:00:00Z'), utcOffsetMinutes: 60 };
const ask = (text: string, extra: Partial<UnderstandOptions> = {}) => understand(text, { ...options, ...extra });

describe('understand', () => {
  it('returns the contract object with exactly the SPEC keys in order', async () => {
    const u = await ask('give Zoe send as on Sales for 2 weeks without automapping because she covers for Kwame');
    expect(JSON.stringify(toContractJson(u))).toBe(
      '{"intent":"grant","permission":"SendAs","grantee":{"status":"resolved","id":"u-zoe"},"target":{"status":"resolved","id":"g-sales"},"duration":"P14D","until":null,"language":"en"}',
    );
  });

  it('reads automapping, the reason and a request id beside the contract keys', async () => {
    const u = await ask('geef Zoë volledige toegang tot Info zonder automapping omdat ze de klantvragen overneemt');
    expect(u).toMatchObject({ intent: 'grant', permission: 'FullAccess', autoMapping: false, reason: 'ze de klantvragen overneemt', language: 'nl' });
    expect((await ask('give Zoe full access to Info')).autoMapping).toBeUndefined();
    const cancel = await ask('cancel req-7k2f9 please');
    expect(cancel).toMatchObject({ intent: 'cancel', requestRef: 'REQ-7K2F9' });
    const status = await ask('what about REQ-9XK2P2?');
    expect(status).toMatchObject({ intent: 'status', requestRef: 'REQ-9XK2P2' });
    const long = await ask(`give Zoe send as on Sales because ${'x'.repeat(900)}`);
    expect(long.reason).toHaveLength(500);
    expect(long.intent).toBe('grant');
  });

  it('reads "full" typed with one l, or written as one word, as Full Access, leaving the name as written', async () => {
    for (const text of ['give Zoë ful access to Info', 'give Zoë ful acces to Info', 'give Zoë fulaccess to Info', 'give Zoë fullacces to Info', 'give Zoë full acces to Info']) {
      expect(toContractJson(await ask(text)), text).toMatchObject({ intent: 'grant', permission: 'FullAccess', grantee: { status: 'resolved', id: 'u-zoe' }, target: { status: 'resolved', id: 's-info' } });
    }
  });

  it('never grants without the end it was asked to have when that end cannot be read', async () => {
    for (const text of ['give Zoe send as on Sales until 2026-02-30', 'give Zoe send as on Sales for 0 weeks', 'give Zoe send as on Sales for -3 days']) {
      expect((await ask(text)).intent, text).toBe('unknown');
    }
  });

  it('asks rather than grant no right when a reading verb meets a group, and then fills no slot', async () => {
    const u = await ask('Zoe needs to read Sales');
    expect(u).toMatchObject({ intent: 'unknown', permission: null, grantee: null, target: null });
    expect(await ask('give Zoe access to Sales')).toMatchObject({ intent: 'grant', permission: null, target: { status: 'resolved', id: 'g-sales' } });
  });

  it('reads names written with combining accents', async () => {
    expect((await ask('give Zoe\u0308 send as on Sales')).grantee).toEqual({ status: 'resolved', id: 'u-zoe' });
  });

  it('reads a message over several lines as one request', async () => {
    const u = await ask('Hi,\r\ncould you give Zoe send as on Sales?\nThanks!');
    expect(u).toMatchObject({ intent: 'grant', permission: 'SendAs', grantee: { status: 'resolved', id: 'u-zoe' }, target: { status: 'resolved', id: 'g-sales' } });
  });

  it('reads a reason given first without losing the request', async () => {
    const u = await ask('Because Kwame is on leave, give Priya full access to his mailbox');
    expect(u.intent).toBe('grant');
    expect(u.reason).toBe('Kwame is on leave');
    expect(u.grantee).toEqual({ status: 'resolved', id: 'u-priya' });
    expect(u.target).toEqual({ status: 'unknown', text: 'his' });
  });

  it('answers empty, huge, control-character and hostile input as unknown without throwing', async () => {
    for (const text of ['', '   ', 'x'.repeat(MAX_TEXT_LENGTH + 1), 'give Zoe\u0000 send as on Sales', 'give Zoe\u001b[2J send as on Sales']) {
      const u = await ask(text);
      expect(u.intent).toBe('unknown');
      expect(u.grantee).toBeNull();
      expect(u.target).toBeNull();
    }
    const hostile = await ask("give x'; Remove-Mailbox -Identity 'Info' -Confirm:$false send as on Sales");
    expect(hostile.intent === 'grant' && hostile.grantee?.status === 'resolved').toBe(false);
    expect(await ask(undefined as unknown as string)).toMatchObject({ intent: 'unknown' });
  });

  it('never picks one of several people: first names, surnames and "and"', async () => {
    expect((await ask('give Jan send as on Sales')).grantee).toEqual({ status: 'ambiguous', candidates: ['u-jan-b', 'u-jan-v'] });
    expect((await ask('give Jansen send as on Sales')).grantee).toEqual({ status: 'ambiguous', candidates: ['u-anne', 'u-daan'] });
    expect((await ask('give Zoe and Mark send as on Sales')).grantee).toEqual({ status: 'ambiguous', candidates: ['u-zoe', 'u-mark'] });
  });

  it('settles a revoke on the one candidate who holds the right, from the live rights when given', async () => {
    // Fixture: Jan Bakker holds Send As on Sales.
    expect((await ask('remove Jan\'s send as on Sales')).grantee).toEqual({ status: 'resolved', id: 'u-jan-b' });
    // Live rights say Jan van Dijk holds it instead.
    const rightsOn = async (target: string) => (target === 'g-sales' ? [{ trustee: 'u-jan-v', right: 'SendAs' as const }] : []);
    expect((await ask('remove Jan\'s send as on Sales', { rightsOn })).grantee).toEqual({ status: 'resolved', id: 'u-jan-v' });
    // Nobody holds it: still ambiguous. A grant is never settled this way.
    expect((await ask('remove Jan\'s full access to Info')).grantee).toMatchObject({ status: 'ambiguous' });
    expect((await ask('give Jan send as on Sales', { rightsOn })).grantee).toMatchObject({ status: 'ambiguous' });
  });

  it('takes "until Friday" in the requester\'s time zone', async () => {
    // Friday 23:30 UTC is already Saturday in Amsterdam (+01:00): the next Friday is a week later.
    const friday = new Date('2026-11-27T23:30:00Z');
    expect((await ask('give Zoe send as on Sales until Friday', { now: friday, utcOffsetMinutes: 60 })).until).toBe('2026-12-04');
    expect((await ask('give Zoe send as on Sales until Friday', { now: friday, utcOffsetMinutes: 0 })).until).toBe('2026-12-04');
    expect((await ask('give Zoe send as on Sales until Saturday', { now: friday, utcOffsetMinutes: 0 })).until).toBe('2026-11-28');
    expect((await ask('give Zoe send as on Sales until Saturday', { now: friday, utcOffsetMinutes: 60 })).until).toBe('2026-12-05');
  });

  it('does not turn the words of a reason into names or rights', async () => {
    const u = await ask('give Zoe send as on Sales because Mark does not need full access to Info');
    expect(u).toMatchObject({ intent: 'grant', permission: 'SendAs', grantee: { status: 'resolved', id: 'u-zoe' }, target: { status: 'resolved', id: 'g-sales' } });
  });

  it('finds a name that is also a keyword only where it is written as a name', async () => {
    expect((await ask('give Grant send as on Planning')).grantee).toEqual({ status: 'resolved', id: 'u-grant' });
    expect((await ask('grant Zoe send as on Planning')).grantee).toEqual({ status: 'resolved', id: 'u-zoe' });
  });

  it('marks a message that only names one right (the words of a button of a choice of rights)', async () => {
    for (const [text, right] of [['Send As', 'SendAs'], ['send-as please', 'SendAs'], ['verzenden namens', 'SendOnBehalf'], ['full access', 'FullAccess'], ['Full Access (read and manage)', 'FullAccess']] as const) {
      expect((await ask(text)).rightAlone, text).toBe(right);
    }
    for (const text of ['send as on Sales', 'give Zoe send as', 'send as for 2 weeks', 'send as or send on behalf', 'access']) {
      expect((await ask(text)).rightAlone, text).toBeUndefined();
    }
  });

  it('marks the name in "Zoe needs it", "for Zoe", "Zoë heeft het nodig" as an answer to "For whom?", and nothing more', async () => {
    for (const [text, name] of [['Zoe needs it', 'Zoe'], ['Zoe does', 'Zoe'], ["it's for Zoë Dubois", 'Zoë Dubois'], ['Zoë heeft het nodig', 'Zoë'], ['voor Daan', 'Daan']] as const) {
      const u = await ask(text);
      expect(u, text).toMatchObject({ intent: 'unknown', grantee: null, answerName: name });
    }
    // A negation, a right, a second name, an unknown name or a request: no answer of that kind.
    for (const text of ['Zoe doesnt need it', 'Zoe needs send as', 'Zoe and Daan need it', 'Nobody Known needs it', 'give Zoe send as on Sales', 'Sales needs it']) {
      expect((await ask(text)).answerName, text).toBeUndefined();
    }
  });

  it('reads a stop said with a sigh or a filler ("oh forget it", "forget it now", "forget about it", "vergeet het maar") as a stop', async () => {
    for (const [text, lang] of [['oh forget it', 'en'], ['just forget it', 'en'], ['forget it now', 'en'], ['forget about it', 'en'], ['vergeet het maar', 'nl'], ['laat ook maar', 'nl']] as const) {
      expect((await ask(text)).stopAsking, text).toBe(lang);
    }
    for (const text of ['oh', 'just', 'forget it on Sales', 'forget the whole thing']) expect((await ask(text)).stopAsking, text).toBeUndefined();
  });

  it('reads "stop", Dutch and English alike, as a stop in no language of its own, unless polite words mark one', async () => {
    for (const text of ['stop', 'Stop!', 'ok stop']) expect((await ask(text)).stopAsking, text).toBe('any');
    expect((await ask('please stop')).stopAsking).toBe('en');
    expect((await ask('stop aub')).stopAsking).toBe('nl');
    expect((await ask('stoppen')).stopAsking).toBe('nl');
  });

  it('answers "status", "help" and a request id in the person\'s own language; "van" is Dutch', async () => {
    for (const text of ['status', 'help', 'status REQ-7K2F9', 'status req-7k2f9']) {
      expect((await ask(text, { language: 'nl' })).language, text).toBe('nl');
      expect((await ask(text, { language: 'en' })).language, text).toBe('en');
    }
    const u = await ask('status van REQ-7K2F9', { language: 'en' });
    expect(u).toMatchObject({ intent: 'status', language: 'nl' });
  });
});

describe('understand on words that are also Object.prototype members', () => {
  it('does not throw on "constructor" and treats it as any other word', async () => {
    const u = await ask('give constructor send as on Sales');
    expect(u).toMatchObject({ intent: 'grant', permission: 'SendAs', target: { status: 'resolved', id: 'g-sales' } });
  });
});

describe('understand with several people in one request', () => {
  it('names every person in grantees, in the order written, and keeps the contract answer ambiguous', async () => {
    const u = await ask('give Zoë and Seán full access to Info');
    expect(u.grantees).toEqual([{ status: 'resolved', id: 'u-zoe' }, { status: 'resolved', id: 'u-sean' }]);
    expect(toContractJson(u)).toMatchObject({
      intent: 'grant', permission: 'FullAccess', grantee: { status: 'ambiguous', candidates: ['u-zoe', 'u-sean'] }, target: { status: 'resolved', id: 's-info' },
    });
    expect(Object.keys(toContractJson(u))).toEqual(['intent', 'permission', 'grantee', 'target', 'duration', 'until', 'language']);
  });

  it('keeps each person whole: an ambiguous one stays ambiguous, an unknown one unknown, "me" is the requester', async () => {
    const dutch = await ask('geef Jan, Zoë en Bob verzenden als op Sales');
    expect(dutch.grantees).toEqual([
      { status: 'ambiguous', candidates: ['u-jan-b', 'u-jan-v'] },
      { status: 'resolved', id: 'u-zoe' },
      { status: 'unknown', text: 'Bob' },
    ]);
    expect((await ask('give me and Zoë send as on Sales')).grantees).toEqual([{ status: 'resolved', id: 'u-emma' }, { status: 'resolved', id: 'u-zoe' }]);
  });

  it('sets no grantees for one person, even written twice', async () => {
    expect((await ask('give Zoë send as on Sales')).grantees).toBeUndefined();
    expect((await ask('give Zoe Dubois (zoe.dubois@fabrikam.example) send as on Sales')).grantees).toBeUndefined();
  });
});

describe('understand with several rights or several mailboxes in one request', () => {
  it('names every right of a grant in permissions, in the order written, and keeps the contract permission null (en, nl)', async () => {
    const u = await ask('give Zoë send as and full access on Info');
    expect(u).toMatchObject({ intent: 'grant', permission: null, permissions: ['SendAs', 'FullAccess'], target: { status: 'resolved', id: 's-info' } });
    expect((await ask('geef Zoë verzenden namens en verzenden als op Sales')).permissions).toEqual(['SendOnBehalf', 'SendAs']);
    expect((await ask('give Zoë send as on Info')).permissions).toBeUndefined();
  });

  it('names every right of a revoke in permissions too, so it is asked about rather than read as every right (en, nl)', async () => {
    const u = await ask("remove Zoë's send as and send on behalf on Sales");
    expect(u).toMatchObject({ intent: 'revoke', permission: null, permissions: ['SendAs', 'SendOnBehalf'], target: { status: 'resolved', id: 'g-sales' } });
    expect((await ask('haal Zoës verzenden namens en verzenden als op Sales weg')).permissions).toEqual(['SendOnBehalf', 'SendAs']);
    // No right named: every right, as before; one named: that one.
    expect((await ask("remove Zoë's access to Sales")).permissions).toBeUndefined();
    expect((await ask("remove Zoë's send as on Sales")).permissions).toBeUndefined();
  });

  it('names every mailbox or group of a grant or revoke in targets, and keeps the contract target ambiguous (en, nl)', async () => {
    const u = await ask('give Zoë send as on Sales and Info');
    expect(u.targets).toEqual([{ status: 'resolved', id: 'g-sales' }, { status: 'resolved', id: 's-info' }]);
    expect(toContractJson(u)).toMatchObject({ intent: 'grant', permission: 'SendAs', target: { status: 'ambiguous', candidates: ['g-sales', 's-info'] } });
    expect((await ask('geef Zoë verzenden als op Sales en Planning')).targets).toEqual([{ status: 'resolved', id: 'g-sales' }, { status: 'resolved', id: 'g-planning' }]);
    expect((await ask('give Zoë send as on Sales')).targets).toBeUndefined();
    // A question about several is no request to split.
    expect((await ask('who has access to Sales and Info?')).targets).toBeUndefined();
  });

  it('reads a question about what someone did or must do to get access as no query and no request (en, nl)', async () => {
    for (const text of [
      'what did Zoë do to get access?',
      'what did Zoë do to get send as on Sales?',
      'what should Zoë do to get access to Sales?',
      'what has Zoë done to get full access?',
      'wat heeft Zoë gedaan om toegang te krijgen?',
      'wat moet Zoë doen om toegang tot Sales te krijgen?',
    ]) {
      const u = await ask(text);
      expect(toContractJson(u), text).toMatchObject({ intent: 'unknown', grantee: null, target: null });
      // A sentence: never the answer to a question the bot asked.
      expect(u.sentence, text).toBe(true);
    }
    // Asking what someone can open is still a query.
    for (const text of ['what can Zoë access?', 'what does Zoë have access to?', 'what do I have access to?', 'waar heeft Zoë toegang toe?']) {
      expect((await ask(text)).intent, text).toBe('query');
    }
  });

  it('joins mailboxes or groups by "as well as" and "or" as by "and", never dropping the second (en, nl)', async () => {
    const both = [{ status: 'resolved', id: 'g-sales' }, { status: 'resolved', id: 's-info' }];
    for (const text of [
      "remove Zoë's send as on Sales as well as Info",
      "remove Zoë's send as on Sales or Info",
      "remove Zoë's send as on Sales and/or Info",
      'haal Zoës verzenden als op Sales evenals Info weg',
      'haal Zoës verzenden als op Sales of Info weg',
      'give Zoë send as on Sales as well as Info',
      'give Zoë send as on Sales or Info',
      'geef Zoë verzenden als op Sales evenals Info',
      'geef Zoë verzenden als op Sales alsook Info',
      'geef Zoë verzenden als op Sales of Info',
    ]) {
      const u = await ask(text);
      expect(u.targets, text).toEqual(both);
      expect(toContractJson(u), text).toMatchObject({ target: { status: 'ambiguous', candidates: ['g-sales', 's-info'] } });
      expect(u.intent, text).toBe(text.startsWith('g') ? 'grant' : 'revoke');
    }
    // Zoë holds Send As on Sales only: still asked which, never settled on Sales unasked.
    expect((await ask("remove Zoë's send as on Sales or Info")).target).toEqual({ status: 'ambiguous', candidates: ['g-sales', 's-info'] });
    // A second name the directory does not know is not dropped either.
    expect((await ask('give Zoë send as on Sales or Foobar')).target).toEqual({ status: 'unknown', text: 'Sales or Foobar' });
    // People "as well as" each other are several grantees, as with "and"; "or" between people is not a list of them.
    expect((await ask('give Zoë as well as Priya send as on Sales')).grantees).toEqual([{ status: 'resolved', id: 'u-zoe' }, { status: 'resolved', id: 'u-priya' }]);
    expect((await ask('geef Zoë evenals Priya verzenden als op Sales')).grantees).toEqual([{ status: 'resolved', id: 'u-zoe' }, { status: 'resolved', id: 'u-priya' }]);
    const either = await ask('give Zoë or Priya send as on Sales');
    expect(either.grantees).toBeUndefined();
    expect(either.grantee?.status === 'resolved').toBe(false);
    // "as well" alone is "too", no joiner.
    expect((await ask('give Zoë send as on Sales as well')).target).toEqual({ status: 'resolved', id: 'g-sales' });
  });

  it('marks rights paired with several mailboxes or groups as several requests, with the intent they would have had (en, nl)', async () => {
    for (const [text, intent] of [
      ['give Zoë send as on Sales and full access on Info', 'grant'],
      ['give Zoë full access and send as on Info and on Sales', 'grant'],
      ['geef Zoë verzenden als op Sales en volledige toegang op Info', 'grant'],
      ["remove Zoë's send as on Sales and full access on Info", 'revoke'],
    ] as const) {
      const u = await ask(text);
      expect(toContractJson(u), text).toMatchObject({ intent: 'unknown', permission: null, grantee: null, target: null });
      expect(u.severalRequests, text).toBe(intent);
    }
    // Written together, they are one choice of the targets named (and then of the rights named).
    const together = await ask('give Zoë full access and send as on Info and Sales');
    expect(together).toMatchObject({ intent: 'grant', permissions: ['FullAccess', 'SendAs'], targets: [{ id: 's-info' }, { id: 'g-sales' }] });
    expect(together.severalRequests).toBeUndefined();
    expect((await ask('give Zoë send as on Sales')).severalRequests).toBeUndefined();
  });

  it('keeps a revoke of several mailboxes or groups a choice of those named, even when the person holds the right on one only (en, nl)', async () => {
    // Zoë holds Send As on Sales, not on Info: the removal is still not settled on Sales unasked.
    for (const text of ["remove Zoë's send as on Sales and Info", 'haal Zoës verzenden als op Sales en Info weg']) {
      const u = await ask(text);
      expect(toContractJson(u), text).toMatchObject({ intent: 'revoke', permission: 'SendAs', grantee: { status: 'resolved', id: 'u-zoe' }, target: { status: 'ambiguous', candidates: ['g-sales', 's-info'] } });
      expect(u.targets, text).toEqual([{ status: 'resolved', id: 'g-sales' }, { status: 'resolved', id: 's-info' }]);
    }
  });
});

describe('understand a command not to act', () => {
  it('reads "do not give", "never give", "geef niet", "niet geven" as unknown, as "don\'t give" is', async () => {
    for (const text of [
      'do not give Zoë full access to Info', 'Do NOT give Zoë full access to Info', "don't give Zoë full access to Info", 'never give Zoë full access to Info',
      'do not grant Zoë send as on Sales', 'geef Zoë niet volledige toegang tot Info', 'geef niet Zoë volledige toegang tot Info', 'Zoë niet geven volledige toegang tot Info',
    ]) {
      expect(toContractJson(await ask(text)), text).toMatchObject({ intent: 'unknown', permission: null, grantee: null, target: null });
    }
  });

  it('still reads a negated question as the question it is', async () => {
    expect((await ask('do not give Zoë full access to Info?')).intent).toBe('query');
    expect((await ask('does Zoë have full access to Info')).intent).toBe('query');
    expect((await ask('does Zoë not have full access to Info')).intent).toBe('query');
  });
});

describe('understand --explain', () => {
  it('shows the right phrases, each mention with its scores and the cues that fired, and the roles', async () => {
    const u = await ask('make Mei a delegate of the Iris group with send as', { explain: true });
    expect(u).toMatchObject({ intent: 'grant', permission: 'SendAs', grantee: { id: 'u-mei' }, target: { id: 'g-iris' } });
    expect(u.explain!.rights).toEqual([
      { words: 'delegate of', right: 'SendOnBehalf', source: 'phrase', generic: true },
      { words: 'send as', right: 'SendAs', source: 'phrase' },
    ]);
    const [mei, iris] = u.explain!.mentions;
    expect(mei).toMatchObject({ text: 'Mei', role: 'grantee', cues: ['afterVerb', 'inDirectory'], g: 3.5, t: 0.5 });
    expect(iris).toMatchObject({ text: 'Iris', role: 'target', cues: expect.arrayContaining(['mailboxNoun']) });
  });

  it('says when roles made the answer unknown, and is absent unless asked for', async () => {
    const u = await ask('give Zoe send as on Sales for Mark', { explain: true });
    expect(u.intent).toBe('unknown');
    expect(u.explain!.veto).toBe('leftover');
    expect((await ask('give Zoe send as on Sales')).explain).toBeUndefined();
  });

  it('marks "add X to the mailbox" as the shape it is', async () => {
    const u = await ask('add Zoë to the Klantenservice shared mailbox', { explain: true });
    expect(u.explain!.rights).toEqual([{ words: 'to', right: 'access', source: 'add-to-mailbox' }]);
    expect(u.permission).toBe('FullAccess');
  });

  it('reads the words of a name the directory knows as that name, not as a cue ("Ama Status", "Help Desk")', async () => {
    const file = parseDirectoryFile(JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/directory.json', import.meta.url)), 'utf8')));
    file.users.push({ id: 'u-ama', displayName: 'Ama Status', mail: 'ama.status@fabrikam.example', preferredLanguage: 'en-US' } as (typeof file.users)[number]);
    file.sharedMailboxes.push({ id: 's-helpdesk-x', displayName: 'Cancel Help Desk', mail: 'cancelhelp@fabrikam.example', owners: ['u-emma'] } as (typeof file.sharedMailboxes)[number]);
    const named = { ...options, directory: new FileDirectory(file) };
    expect(await understand('give Ama Status send as on Sales', named)).toMatchObject({ intent: 'grant', permission: 'SendAs', grantee: { status: 'resolved', id: 'u-ama' } });
    expect(await understand('give Zoe full access to Cancel Help Desk', named)).toMatchObject({ intent: 'grant', permission: 'FullAccess', target: { status: 'resolved', id: 's-helpdesk-x' } });
    // Outside a name the same words still count.
    expect((await understand('status', named)).intent).toBe('status');
  });

  it('reads a mailbox the directory writes as one word when it is typed as two, even first in the message ("Help Desk" for Helpdesk)', async () => {
    const file = parseDirectoryFile(JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/directory.json', import.meta.url)), 'utf8')));
    file.sharedMailboxes.push({ id: 's-helpdesk', displayName: 'Helpdesk', mail: 'helpdesk@fabrikam.example', owners: ['u-emma'] } as (typeof file.sharedMailboxes)[number]);
    const named = { ...options, directory: new FileDirectory(file) };
    const helpdesk = { intent: 'grant', permission: 'FullAccess', grantee: { status: 'resolved', id: 'u-emma' }, target: { status: 'resolved', id: 's-helpdesk' } };
    expect(toContractJson(await understand('Help Desk full access for me', named))).toMatchObject(helpdesk);
    expect(toContractJson(await understand('give me full access to the help desk', named))).toMatchObject(helpdesk);
    expect(toContractJson(await understand('geef mij volledige toegang tot de Help Desk', named))).toMatchObject({ ...helpdesk, language: 'nl' });
    // A lexicon word alone is still a word: "help" asks for help, "help with full access" too.
    expect((await understand('help', named)).intent).toBe('help');
    expect((await understand('help with full access', named)).intent).toBe('help');
  });

  it('reads a numeric end date in the requester\'s locale, and without one asks when it reads two ways', async () => {
    const text = 'give Zoe send as on Info until 1/2';
    expect(toContractJson(await ask(text, { locale: 'en-US' }))).toMatchObject({ intent: 'grant', permission: 'SendAs', until: '2027-01-02', duration: null });
    expect(toContractJson(await ask(text, { locale: 'en-GB' }))).toMatchObject({ intent: 'grant', until: '2027-02-01' });
    expect(toContractJson(await ask('geef Zoe verzenden als op Info tot 1-2', { locale: 'nl-NL' }))).toMatchObject({ intent: 'grant', until: '2027-02-01', language: 'nl' });
    // No client locale: the requester's directory language decides (Emma: en-GB, day first).
    expect(toContractJson(await ask(text))).toMatchObject({ intent: 'grant', until: '2027-02-01' });
    // Neither (the guest has no language in the directory): no reading is guessed; it waits for the requester's pick.
    const open = await ask(text, { requesterId: 'u-guest' });
    expect(JSON.stringify(toContractJson(open))).toBe(
      '{"intent":"unknown","permission":null,"grantee":null,"target":null,"duration":null,"until":null,"language":"en"}',
    );
    expect(open.periodChoice).toMatchObject({
      why: 'day_month_order',
      options: [{ duration: null, until: '2027-02-01' }, { duration: null, until: '2027-01-02' }],
      request: { intent: 'grant', permission: 'SendAs', grantee: { status: 'resolved', id: 'u-zoe' }, target: { status: 'resolved', id: 's-info' }, duration: null, until: null },
    });
    // Unambiguous without a locale: read as before.
    expect(toContractJson(await ask('give Zoe send as on Info until 31/12'))).toMatchObject({ intent: 'grant', until: '2026-12-31' });
  });

  it('never acts on one of a period and an end date given together: both go back as a choice', async () => {
    for (const [text, language] of [
      ['give Zoe send as on Sales for 2 weeks until Friday', 'en'],
      ['geef Zoe verzenden als op Sales voor twee weken tot vrijdag', 'nl'],
    ] as const) {
      const u = await ask(text, { locale: 'en-US' });
      expect(toContractJson(u), text).toMatchObject({ intent: 'unknown', duration: null, until: null, language });
      expect(u.periodChoice, text).toMatchObject({
        why: 'duration_and_until',
        options: [{ duration: 'P14D', until: null }, { duration: null, until: '2026-11-27' }],
        request: { intent: 'grant', permission: 'SendAs', grantee: { status: 'resolved', id: 'u-zoe' }, target: { status: 'resolved', id: 'g-sales' } },
      });
    }
  });

  it('reads "whether", a Dutch possessive before a right, and "what is waiting for me" as a user means them', async () => {
    expect(await ask('can you check whether Zoe has send as on Sales')).toMatchObject({ intent: 'query', permission: 'SendAs', grantee: { status: 'resolved', id: 'u-zoe' }, target: { status: 'resolved', id: 'g-sales' } });
    expect(await ask('haal Zoes verzenden als op Sales weg')).toMatchObject({ intent: 'revoke', permission: 'SendAs', grantee: { status: 'resolved', id: 'u-zoe' }, language: 'nl' });
    for (const text of ['what is waiting for me?', "what's waiting for my approval?", 'what do I need to approve?', 'is there anything waiting for me?', 'wat wacht er op mij?', 'wat moet ik nog goedkeuren?']) {
      expect((await ask(text)).intent, text).toBe('status');
    }
    // About someone else it is no question about the asker's own queue.
    expect((await ask('what is waiting for Zoe?')).intent).not.toBe('status');
  });

  it('keeps the person\'s known language for a short message whose words mark none, and follows words that do', async () => {
    const marked: Array<[string, 'en' | 'nl']> = [
      ['next week', 'en'],
      ['tomorrow', 'en'],
      ['yes', 'en'],
      ['morgen', 'nl'],
      ['volgende week', 'nl'],
      ['ja', 'nl'],
      // Dutch wording of a right is Dutch; English wording ("Send As") Dutch speakers use too.
      ['verzenden als', 'nl'],
    ];
    for (const known of ['en', 'nl'] as const) {
      for (const [text, language] of marked) expect((await ask(text, { language: known })).language, `${text} (known ${known})`).toBe(language);
      for (const text of ['ok', 'Zoë', 'Send As', 'REQ-7K2F9']) expect((await ask(text, { language: known })).language, `${text} (known ${known})`).toBe(known);
    }
    // A name in a sentence is no Dutch ("Van der Berg"): the sentence around it decides, not the known language.
    expect((await ask('give Lotte van der Berg send as on Sales', { language: 'nl' })).language).toBe('en');
    // Without a known language (the command line), every word decides as before.
    expect((await ask('Send As')).language).toBe('en');
  });
});

describe('understand a message that both gives and removes', () => {
  it('reads "give ..., then remove it when he is back" as a grant whose end is not said, never a removal', async () => {
    const u = await ask("give Liam full access to Info, then remove it when he's back");
    expect(u).toMatchObject({ intent: 'unknown', permission: null, grantee: null, target: null, unreadEnd: { why: 'vague', text: "when he's back" } });
    const nl = await ask('geef Zoë volledige toegang tot Info en haal het weer weg als ze terug is');
    expect(nl).toMatchObject({ intent: 'unknown', unreadEnd: { why: 'vague', text: 'als ze terug is' }, language: 'nl' });
  });

  it('acts on neither when a giving and a removing verb are both said otherwise', async () => {
    for (const text of [
      'give Zoe full access to Info and remove Liam',
      'remove Liam from Info and give Zoe full access',
      'give Zoe send as on Sales or remove her send on behalf',
      'verwijder Liam van Info en geef Zoë volledige toegang',
    ]) {
      const u = await ask(text);
      expect(u.intent, text).toBe('unknown');
      expect(u.unreadEnd, text).toBeUndefined();
    }
  });

  it('reads a group or shared mailbox named where the grantee goes as no grant, naming it, never dropped (en, nl)', async () => {
    for (const [text, named, ids, language] of [
      ['give Sales send as on Support', 'Sales', ['g-sales'], 'en'],
      ['geef Sales verzenden als op Support', 'Sales', ['g-sales'], 'nl'],
      ['give Info full access to Klantenservice', 'Info', ['s-info'], 'en'],
      ['give send as on Support to Planning', 'Planning', ['g-planning'], 'en'],
      ['geef verzenden als op Support aan Planning', 'Planning', ['g-planning'], 'nl'],
      ['Planning needs full access to Info', 'Planning', ['g-planning'], 'en'],
      // Beside a person: not a grant for that person alone.
      ['give Sales and Zoe send as on Support', 'Sales', ['g-sales'], 'en'],
    ] as const) {
      const u = await ask(text);
      expect(toContractJson(u), text).toEqual({ intent: 'unknown', permission: null, grantee: null, target: null, duration: null, until: null, language });
      expect(u.granteeNotPerson, text).toEqual({ text: named, ids });
    }
    // A group or mailbox in its own place is the target, as ever.
    for (const text of ['give Zoe send as on Sales', 'send as Sales for Zoe', 'give Zoe full access to Info', 'geef Zoë verzenden als op Sales']) {
      const u = await ask(text);
      expect(u.intent, text).toBe('grant');
      expect(u.granteeNotPerson, text).toBeUndefined();
    }
  });

  it('takes no PowerShell cmdlet name (Remove-Mailbox, Add-MailboxPermission) for a removing or giving verb', async () => {
    // The right after a pasted command is that command's: nothing is asked.
    for (const text of ['give x; Remove-Mailbox full access to Info', 'Remove-MailboxPermission Info -User Liam', 'Add-MailboxPermission Info -User Zoe -AccessRights FullAccess']) {
      expect((await ask(text)).intent, text).toBe('unknown');
    }
    // A cmdlet name after the request is no removal, nor a grant on the rest alone: not understood.
    const u = await ask('give Zoe send as on x; Remove-Mailbox');
    expect(u.intent).toBe('unknown');
    // Parameters, variables and a quote closing a string before ";" after a request: not understood, never
    // the grant without them nor a question ("Confirm" is a checking word), in English and Dutch.
    for (const text of [
      'give Zoe full access to Info -Confirm:$false',
      "give Zoe full access to Info'; Remove-Mailbox -Identity x -Confirm:$false; '",
      'give Zoe full access to Info -AutoMapping $false',
      'give Zoe full access to Info -WhatIf',
      'give Zoe full access to Info $(whoami)',
      'give Zoe full access to Info"; echo x',
      "remove Zoe's send as on Sales -Confirm:$false",
      'who has access to Info -Confirm:$false',
    ]) {
      expect(toContractJson(await ask(text)), text).toMatchObject({ intent: 'unknown', permission: null, grantee: null, target: null, language: 'en' });
    }
    // In the language of the words before the command, not the cmdlet's English.
    for (const text of ['geef Zoë volledige toegang tot Info -Confirm:$false', "geef Zoë volledige toegang tot Info'; Remove-Mailbox -Identity x; '"]) {
      expect(toContractJson(await ask(text)), text).toMatchObject({ intent: 'unknown', permission: null, grantee: null, target: null, language: 'nl' });
    }
    // Ordinary writing with a hyphen, a quote or a semicolon is still read.
    for (const text of ["give Zoe 'send as' on Sales", 'give Zoe send-as on Sales; she starts today', 'give Anne-Marie full access to Info - thanks', "give Seán O'Brien full access to Info"]) {
      expect((await ask(text)).intent, text).toBe('grant');
    }
    // Written as a plain word, "remove" still removes.
    expect(await ask("remove Liam's full access to Info")).toMatchObject({ intent: 'revoke', grantee: { status: 'resolved', id: 'u-liam' }, target: { status: 'resolved', id: 's-info' } });
  });
});

describe('understand group membership', () => {
  it('says a request to add someone to a group is about membership, English and Dutch', async () => {
    for (const text of ['add Zoe to the Sales group', 'add Kwame to Sales', 'voeg Kwame toe aan de groep Sales', 'make Zoe a member of Sales', 'maak Zoë lid van Sales']) {
      const u = await ask(text);
      expect(u.intent, text).toBe('unknown');
      expect(u.membership, text).toBe(true);
    }
  });

  it('says removing someone from a group (the word group said, no right named) is about membership, English and Dutch', async () => {
    for (const text of ['remove Zoe from the Sales group', 'remove Zoë from group Sales', 'haal Kwame uit de groep Sales', 'haal Kwame uit groep Sales']) {
      const u = await ask(text);
      expect(u.intent, text).toBe('unknown');
      expect(u.membership, text).toBe(true);
      expect(u.grantee, text).toBeNull();
    }
  });

  it('reads "team" beside a group\'s name as a group word, adding and removing (en, nl)', async () => {
    for (const text of [
      'add Zoë to the Sales team',
      'add Zoë to team Sales',
      'voeg Zoë toe aan het Sales-team',
      'voeg Zoë toe aan het Sales team',
      'remove Zoë from the Sales team',
      'remove Zoë from team Sales',
      'take Zoë off the Sales team',
      'haal Zoë uit het Sales-team',
      'verwijder Zoë uit het Sales team',
    ]) {
      const u = await ask(text);
      // Zoë holds Send As on Sales: never a removal of it.
      expect(toContractJson(u), text).toMatchObject({ intent: 'unknown', grantee: null, target: null });
      expect(u.membership, text).toBe(true);
    }
    // Beside a mailbox's name "team" may mean the mailbox: still a removal, as before; so too a right named.
    const mailbox = await ask('remove Zoë from the Info team');
    expect(mailbox).toMatchObject({ intent: 'revoke', grantee: { status: 'resolved', id: 'u-zoe' }, target: { status: 'resolved', id: 's-info' } });
    expect(mailbox.membership).toBeUndefined();
    const right = await ask("haal Zoës verzenden als uit het Sales-team weg");
    expect(right).toMatchObject({ intent: 'revoke', permission: 'SendAs', target: { status: 'resolved', id: 'g-sales' } });
    expect(right.membership).toBeUndefined();
  });

  it('leaves a removal that names a right, or no group word, a removal', async () => {
    const right = await ask("remove Zoe's send as from the Sales group");
    expect(right).toMatchObject({ intent: 'revoke', permission: 'SendAs', grantee: { status: 'resolved', id: 'u-zoe' }, target: { status: 'resolved', id: 'g-sales' } });
    expect(right.membership).toBeUndefined();
    const mailbox = await ask('remove Zoe from Info');
    expect(mailbox).toMatchObject({ intent: 'revoke', grantee: { status: 'resolved', id: 'u-zoe' }, target: { status: 'resolved', id: 's-info' } });
    expect(mailbox.membership).toBeUndefined();
  });

  it('leaves adding someone to a mailbox a Full Access grant, not membership', async () => {
    const u = await ask('add Zoe to the Info shared mailbox');
    expect(u).toMatchObject({ intent: 'grant', permission: 'FullAccess', grantee: { status: 'resolved', id: 'u-zoe' }, target: { status: 'resolved', id: 's-info' } });
    expect(u.membership).toBeUndefined();
    expect((await ask('give Zoe send as on Sales')).membership).toBeUndefined();
  });
});

describe('understand words about time or commands it cannot read beside a grant', () => {
  it('never grants with a start it could not read: asked about, with the words as written', async () => {
    for (const [text, said] of [
      ['give me send as on Info from whenever', 'from whenever'],
      ['give me send as on Info starting overmorrow', 'starting overmorrow'],
      ['give Zoe full access to Info from overmorrow', 'from overmorrow'],
      ['geef Zoë volledige toegang tot Info vanaf ooit', 'vanaf ooit'],
    ]) {
      const u = await ask(text!);
      expect(u.intent, text).toBe('unknown');
      expect(u.unreadEnd, text).toEqual({ why: 'unread', text: said });
    }
    // A start it reads is still read: now is dropped, a later day refused as before; "from" before a mailbox is no start.
    expect(await ask('give me send as on Info from now')).toMatchObject({ intent: 'grant', permission: 'SendAs' });
    expect((await ask('give me send as on Info from Monday')).unreadEnd?.why).toBe('later_start');
    expect(await ask('give me send as from the Info mailbox')).toMatchObject({ intent: 'grant', target: { status: 'resolved', id: 's-info' } });
    expect(await ask('give me send as on Info from my laptop')).toMatchObject({ intent: 'grant', permission: 'SendAs' });
    // Plain "from" before what is no moment names a source: the grant stands.
    expect(await ask('give me full access to Info so I can answer mails from customers')).toMatchObject({ intent: 'grant', permission: 'FullAccess' });
    expect(await ask('give me send as on Info to send mails from the team')).toMatchObject({ intent: 'grant', permission: 'SendAs' });
  });

  it('lets a grant stand when "from" before a month or weekday names where things came from, not a start (en, nl)', async () => {
    const fullAccess = { intent: 'grant', permission: 'FullAccess', grantee: { status: 'resolved', id: 'u-zoe' }, target: { status: 'resolved', id: 's-info' }, duration: null, until: null };
    for (const text of [
      'give Zoë full access to Info for mails from March',
      "give Zoë full access to Info for the notes from Monday's meeting",
      "give Zoë full access to Info from Monday's meeting",
      'give Zoë full access to Info so she can read the mails from March 3',
      'give Zoë full access to Info for the invoices from last week',
      'give Zoë full access to Info for the mails from this week',
      'geef Zoë volledige toegang tot Info voor de mails van maart',
      'geef Zoë volledige toegang tot Info voor de berichten uit maart',
      'geef Zoë volledige toegang tot Info voor de mails van vorige week',
      "geef Zoë volledige toegang tot Info voor het verslag van maandag's overleg",
    ]) {
      const u = await ask(text);
      expect(toContractJson(u), text).toEqual({ ...fullAccess, language: text.startsWith('geef') ? 'nl' : 'en' });
      expect(u.unreadEnd, text).toBeUndefined();
    }
    // An end said beside the source is still read.
    expect(await ask('give Zoë full access to Info for the emails from the 3rd of March until Friday')).toMatchObject({ intent: 'grant', until: '2026-11-27' });
    expect(await ask('give Zoë full access to Info for two weeks for the mails from March')).toMatchObject({ intent: 'grant', duration: 'P14D' });
    // "from" with no such noun before it is a start, as before: a later one refused, one not read asked about.
    for (const [text, unread] of [
      ['give Zoë full access to Info from March 3', { why: 'later_start', text: 'from March 3' }],
      ['give Zoë full access to Info from Monday', { why: 'later_start', text: 'from Monday' }],
      ['give Zoë full access to the Info mailbox from March 3', { why: 'later_start', text: 'from March 3' }],
      ['give Zoë full access to Info for mails starting Monday', { why: 'later_start', text: 'starting Monday' }],
      ['geef Zoë volledige toegang tot Info vanaf maandag', { why: 'later_start', text: 'vanaf maandag' }],
      ['geef Zoë volledige toegang tot Info voor de mails vanaf maandag', { why: 'later_start', text: 'vanaf maandag' }],
      ['give Zoë full access to Info from March', { why: 'unread', text: 'March' }],
    ] as const) {
      const u = await ask(text);
      expect(u.intent, text).toBe('unknown');
      expect(u.unreadEnd, text).toEqual(unread);
    }
    // A removal now is still a removal now beside a source, and still refused for later.
    expect(await ask("remove Zoë's full access on Info for the mails from March")).toMatchObject({ intent: 'revoke', permission: 'FullAccess' });
    expect((await ask("remove Zoë's full access on Info from Monday")).unreadEnd).toEqual({ why: 'later_removal', text: 'from Monday' });
  });

  it('grants for a period in two parts ("for two weeks and three days": 17 days), and never drops either part (en, nl)', async () => {
    for (const text of ['give Zoë full access to Info for two weeks and three days', 'geef Zoë volledige toegang tot Info voor twee weken en drie dagen']) {
      expect(toContractJson(await ask(text)), text).toMatchObject({ intent: 'grant', permission: 'FullAccess', grantee: { status: 'resolved', id: 'u-zoe' }, target: { status: 'resolved', id: 's-info' }, duration: 'P17D', until: null });
    }
    for (const text of ['give Zoë full access to Info for three days and two weeks', 'geef Zoë volledige toegang tot Info voor twee weken en nul dagen']) {
      const u = await ask(text);
      expect(u.intent, text).toBe('unknown');
      expect(u.unreadEnd, text).toBeDefined();
    }
    // A removal is still now and for good.
    expect((await ask("remove Zoë's full access on Info for two weeks and three days")).unreadEnd).toEqual({ why: 'temporary_removal', text: 'for two weeks and three days' });
  });

  it('does not act on a grant with a pasted cmdlet after it', async () => {
    const u = await ask('give Liam send as on Info. Remove-MailboxPermission afterwards');
    expect(u.intent).toBe('unknown');
    expect(u.grantee).toBeNull();
  });

  it('takes "until Friday, then remove it" as the grant with that end: the removal repeats it', async () => {
    const u = await ask('give Liam full access to Info until Friday, then remove it');
    expect(u).toMatchObject({ intent: 'grant', permission: 'FullAccess', grantee: { status: 'resolved', id: 'u-liam' }, target: { status: 'resolved', id: 's-info' }, until: '2026-11-27' });
    expect((await ask('give Liam full access to Info for 2 weeks and remove it afterwards')).duration).toBe('P14D');
    // A removal that says its own time is still asked about, and so is one with no end given.
    expect((await ask('give Liam full access to Info until Friday, then remove it when he is back')).unreadEnd?.why).toBe('vague');
    expect((await ask('give Liam full access to Info, then remove it')).intent).toBe('unknown');
  });
});
