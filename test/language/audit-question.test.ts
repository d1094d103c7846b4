import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadDirectoryFile } from '../../src/directory/file-directory.js';
import { readAuditQuestion } from '../../src/language/audit-question.js';
import { understand, type UnderstandOptions } from '../../src/language/understand.js';

const directory = loadDirectoryFile(fileURLToPath(new URL('./fixtures/directory.json', import.meta.url)));
const options: UnderstandOptions = { directory, requesterId: 'u-emma', now: new Date('2026-11-23T08:00:00Z'), utcOffsetMinutes: 60 };

describe('readAuditQuestion', () => {
  it('reads the English questions: everything, for a person, on a mailbox, with a period', () => {
    expect(readAuditQuestion('what did the bot do today?')).toEqual({ subject: '', period: 'today', language: 'en' });
    expect(readAuditQuestion('What did the bot do yesterday')).toEqual({ subject: '', period: 'yesterday', language: 'en' });
    expect(readAuditQuestion('what did the bot do this week?')).toEqual({ subject: '', period: 'this_week', language: 'en' });
    expect(readAuditQuestion('what has the bot done?')).toEqual({ subject: '', language: 'en' });
    expect(readAuditQuestion('what did the bot do for Zoë?')).toEqual({ subject: 'Zoë', language: 'en' });
    expect(readAuditQuestion('what did the bot do for Megan Bowen today?')).toEqual({ subject: 'Megan Bowen', period: 'today', language: 'en' });
    expect(readAuditQuestion('what did the bot do today for Zoë')).toEqual({ subject: 'Zoë', period: 'today', language: 'en' });
    expect(readAuditQuestion('what happened on Support today?')).toEqual({ subject: 'Support', period: 'today', language: 'en' });
    expect(readAuditQuestion('What happened with the Training group?')).toEqual({ subject: 'the Training group', language: 'en' });
    expect(readAuditQuestion('what happened today')).toEqual({ subject: '', period: 'today', language: 'en' });
  });

  it('reads the Dutch questions', () => {
    expect(readAuditQuestion('wat heeft de bot vandaag gedaan?')).toEqual({ subject: '', period: 'today', language: 'nl' });
    expect(readAuditQuestion('Wat heeft de bot voor Zoë gedaan?')).toEqual({ subject: 'Zoë', language: 'nl' });
    expect(readAuditQuestion('wat heeft de bot gisteren voor Zoë gedaan')).toEqual({ subject: 'Zoë', period: 'yesterday', language: 'nl' });
    expect(readAuditQuestion('wat deed de bot deze week?')).toEqual({ subject: '', period: 'this_week', language: 'nl' });
    expect(readAuditQuestion('wat is er met Support gebeurd?')).toEqual({ subject: 'Support', language: 'nl' });
    expect(readAuditQuestion('wat is er vandaag met Support gebeurd')).toEqual({ subject: 'Support', period: 'today', language: 'nl' });
    expect(readAuditQuestion('wat is er gebeurd met Facturen?')).toEqual({ subject: 'Facturen', language: 'nl' });
    expect(readAuditQuestion('wat is er gisteren gebeurd?')).toEqual({ subject: '', period: 'yesterday', language: 'nl' });
    expect(readAuditQuestion('wat gebeurde er met Support')).toEqual({ subject: 'Support', language: 'nl' });
  });

  it('reads a named weekday and last week, in English and Dutch', () => {
    expect(readAuditQuestion('what did the bot do on Friday?')).toEqual({ subject: '', period: 'friday', language: 'en' });
    expect(readAuditQuestion('what did the bot do friday')).toEqual({ subject: '', period: 'friday', language: 'en' });
    expect(readAuditQuestion('what did the bot do last week?')).toEqual({ subject: '', period: 'last_week', language: 'en' });
    expect(readAuditQuestion('what happened on Support on Monday?')).toEqual({ subject: 'Support', period: 'monday', language: 'en' });
    expect(readAuditQuestion('what did the bot do for Megan last week')).toEqual({ subject: 'Megan', period: 'last_week', language: 'en' });
    expect(readAuditQuestion('wat deed de bot vorige week?')).toEqual({ subject: '', period: 'last_week', language: 'nl' });
    expect(readAuditQuestion('wat heeft de bot op vrijdag gedaan?')).toEqual({ subject: '', period: 'friday', language: 'nl' });
    expect(readAuditQuestion('wat heeft de bot zondag voor Zoë gedaan')).toEqual({ subject: 'Zoë', period: 'sunday', language: 'nl' });
    expect(readAuditQuestion('wat is er dinsdag met Support gebeurd?')).toEqual({ subject: 'Support', period: 'tuesday', language: 'nl' });
    expect(readAuditQuestion('what did the bot do last Friday?')).toEqual({ subject: '', period: 'last_friday', language: 'en' });
    expect(readAuditQuestion('what happened on Support on previous Monday')).toEqual({ subject: 'Support', period: 'last_monday', language: 'en' });
    expect(readAuditQuestion('wat deed de bot afgelopen vrijdag?')).toEqual({ subject: '', period: 'last_friday', language: 'nl' });
    expect(readAuditQuestion('wat heeft de bot vorige dinsdag voor Zoë gedaan')).toEqual({ subject: 'Zoë', period: 'last_tuesday', language: 'nl' });
    // A weekday of last week, either way round.
    expect(readAuditQuestion('what did the bot do on Friday last week?')).toEqual({ subject: '', period: 'last_week_friday', language: 'en' });
    expect(readAuditQuestion('what did the bot do last week on Friday')).toEqual({ subject: '', period: 'last_week_friday', language: 'en' });
    expect(readAuditQuestion('what happened on Support monday of last week?')).toEqual({ subject: 'Support', period: 'last_week_monday', language: 'en' });
    expect(readAuditQuestion('what did the bot do for Zoë previous week Tuesday')).toEqual({ subject: 'Zoë', period: 'last_week_tuesday', language: 'en' });
    expect(readAuditQuestion('wat heeft de bot vorige week vrijdag gedaan?')).toEqual({ subject: '', period: 'last_week_friday', language: 'nl' });
    expect(readAuditQuestion('wat deed de bot vrijdag vorige week?')).toEqual({ subject: '', period: 'last_week_friday', language: 'nl' });
    expect(readAuditQuestion('wat is er op woensdag van vorige week met Support gebeurd')).toEqual({ subject: 'Support', period: 'last_week_wednesday', language: 'nl' });
    expect(readAuditQuestion('wat heeft de bot vorige week op maandag voor Zoë gedaan')).toEqual({ subject: 'Zoë', period: 'last_week_monday', language: 'nl' });
    // Two periods are no one question.
    expect(readAuditQuestion('what did the bot do on Friday last week and today?')).toBeUndefined();
    expect(readAuditQuestion('wat deed de bot vorige week vrijdag en zaterdag?')).toBeUndefined();
    expect(readAuditQuestion('wat deed de bot vrijdag en zaterdag?')).toBeUndefined();
  });

  it('reads a person and a mailbox or group said together, either way round, and keeps the whole subject', () => {
    expect(readAuditQuestion('what did the bot do for Liam on Support?')).toEqual({ subject: 'Liam on Support', split: { person: 'Liam', place: 'Support' }, language: 'en' });
    expect(readAuditQuestion('what did the bot remove from Support for Liam O\'Connor today')).toEqual({
      subject: 'Support for Liam O\'Connor', split: { person: 'Liam O\'Connor', place: 'Support' }, period: 'today', language: 'en',
    });
    expect(readAuditQuestion('what did the bot do for me on Training')).toEqual({ subject: 'me on Training', split: { person: 'me', place: 'Training' }, language: 'en' });
    expect(readAuditQuestion('wat heeft de bot voor Liam bij Support gedaan?')).toEqual({ subject: 'Liam bij Support', split: { person: 'Liam', place: 'Support' }, language: 'nl' });
    expect(readAuditQuestion('wat is er met Liam op Support gebeurd')).toEqual({ subject: 'Liam op Support', split: { person: 'Liam', place: 'Support' }, language: 'nl' });
    expect(readAuditQuestion('wat heeft de bot op vrijdag bij Support voor Zoë gedaan')).toEqual({ subject: 'Support voor Zoë', split: { person: 'Zoë', place: 'Support' }, period: 'friday', language: 'nl' });
    // The participle before the names, in Dutch, as the verb in English.
    expect(readAuditQuestion('wat heeft de bot gedaan voor Lotte op Support?')).toEqual({ subject: 'Lotte op Support', split: { person: 'Lotte', place: 'Support' }, language: 'nl' });
    expect(readAuditQuestion('wat heeft de bot vandaag weggehaald bij Support voor Zoë')).toEqual({ subject: 'Support voor Zoë', split: { person: 'Zoë', place: 'Support' }, period: 'today', language: 'nl' });
    expect(readAuditQuestion('wat heb je gegeven aan Zoë?')).toEqual({ subject: 'Zoë', language: 'nl' });
    expect(readAuditQuestion('what has the bot done for Lotte on Support?')).toEqual({ subject: 'Lotte on Support', split: { person: 'Lotte', place: 'Support' }, language: 'en' });
    // The participle once: not both before and after the name.
    expect(readAuditQuestion('wat heeft de bot gedaan voor Zoë gedaan')?.subject).not.toBe('Zoë');
    // Two places, or one name: no split.
    expect(readAuditQuestion('what happened on Support in Training?')?.split).toBeUndefined();
    expect(readAuditQuestion('what did the bot do for Megan Bowen?')?.split).toBeUndefined();
  });

  it('reads what the bot removed, gave or changed as a question, in English and Dutch', () => {
    expect(readAuditQuestion('what did the bot revoke on Facturen?')).toEqual({ subject: 'Facturen', language: 'en' });
    expect(readAuditQuestion('what did the bot remove today?')).toEqual({ subject: '', period: 'today', language: 'en' });
    expect(readAuditQuestion('what did the bot remove from Support today?')).toEqual({ subject: 'Support', period: 'today', language: 'en' });
    expect(readAuditQuestion('What has the bot granted to Zoë this week')).toEqual({ subject: 'Zoë', period: 'this_week', language: 'en' });
    expect(readAuditQuestion('what did you give to Megan?')).toEqual({ subject: 'Megan', language: 'en' });
    expect(readAuditQuestion('what did the bot change yesterday?')).toEqual({ subject: '', period: 'yesterday', language: 'en' });
    expect(readAuditQuestion('what did the bot apply?')).toEqual({ subject: '', language: 'en' });
    expect(readAuditQuestion('wat heeft de bot weggehaald?')).toEqual({ subject: '', language: 'nl' });
    expect(readAuditQuestion('wat heeft de bot vandaag bij Facturen ingetrokken?')).toEqual({ subject: 'Facturen', period: 'today', language: 'nl' });
    expect(readAuditQuestion('wat heeft de bot aan Zoë gegeven?')).toEqual({ subject: 'Zoë', language: 'nl' });
    expect(readAuditQuestion('wat heeft de bot gisteren van Support verwijderd')).toEqual({ subject: 'Support', period: 'yesterday', language: 'nl' });
    expect(readAuditQuestion('wat heeft de bot voor mij gedaan?')).toEqual({ subject: 'mij', language: 'nl' });
    expect(readAuditQuestion('what did the bot do for me?')).toEqual({ subject: 'me', language: 'en' });
    // What it approved or rejected.
    expect(readAuditQuestion('what did the bot approve today?')).toEqual({ subject: '', period: 'today', language: 'en' });
    expect(readAuditQuestion('what has the bot approved for Zoë')).toEqual({ subject: 'Zoë', language: 'en' });
    expect(readAuditQuestion('what did you reject on Support yesterday?')).toEqual({ subject: 'Support', period: 'yesterday', language: 'en' });
    expect(readAuditQuestion('what has the bot rejected?')).toEqual({ subject: '', language: 'en' });
    expect(readAuditQuestion('wat heeft de bot vandaag goedgekeurd?')).toEqual({ subject: '', period: 'today', language: 'nl' });
    expect(readAuditQuestion('wat heeft de bot bij Support afgewezen')).toEqual({ subject: 'Support', language: 'nl' });
    expect(readAuditQuestion('wat heb je goedgekeurd voor Zoë?')).toEqual({ subject: 'Zoë', language: 'nl' });
  });

  it('understand() reads a question about what someone did as neither a grant nor a removal', async () => {
    for (const text of [
      'what did the bot revoke on Facturen?',
      'what did the bot remove today?',
      'what did the bot remove from Support today?',
      'what has the bot granted Zoe?',
      'what did Megan remove from Sales?',
      'wat heeft de bot bij Facturen ingetrokken?',
      'wat heeft de bot weggehaald?',
      'wat deed de bot met Zoë haar volledige toegang?',
    ]) {
      const { intent } = await understand(text, options);
      expect(['grant', 'revoke'], text).not.toContain(intent);
    }
    // With no question mark too, and never a question of who has access: the conversation reads them as audit questions.
    for (const text of [
      'what did the bot remove today',
      'what has the bot revoked on Training',
      'what did the bot remove from Support for Zoë on Friday',
      'wat heeft de bot vandaag weggehaald',
      'wat heeft de bot bij Training ingetrokken',
      'wat deed de bot vorige week',
      'what did the bot approve today',
      'what has the bot rejected on Support?',
      'wat heeft de bot vandaag goedgekeurd?',
      'wat heeft de bot afgewezen',
      'wat heeft de bot vorige week vrijdag gedaan?',
      'what did the bot do on Friday last week?',
    ]) {
      expect((await understand(text, options)).intent, text).toBe('unknown');
    }
    // A request still is one: the safety net is for questions about the past only.
    expect((await understand('remove Zoe from Sales', options)).intent).toBe('revoke');
    expect((await understand('can you remove Zoe from Sales?', options)).intent).toBe('revoke');
  });

  it('reads nothing else: requests, other questions, a request id, two periods', () => {
    for (const text of [
      'give Megan send as on Support',
      'who has access to Support?',
      'what can Zoë access?',
      'what happened to REQ-7K2F9?',
      'what did the bot do today and yesterday?',
      'what did Megan do today?',
      'what did the bot remove and give Zoë access to Sales?',
      'remove what the bot gave Zoë',
      'wat heeft Zoë?',
      'audit Support',
      '',
      'what happened on',
    ]) {
      expect(readAuditQuestion(text), text).toBeUndefined();
    }
  });
});
