import { describe, expect, it } from 'vitest';
import { readAuditQuestion } from '../../src/language/audit-question.js';

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

  it('reads nothing else: requests, other questions, a request id, two periods', () => {
    for (const text of [
      'give Megan send as on Support',
      'who has access to Support?',
      'what can Zoë access?',
      'what happened to REQ-7K2F9?',
      'what did the bot do today and yesterday?',
      'what did Megan do today?',
      'wat heeft Zoë?',
      'audit Support',
      '',
      'what happened on',
    ]) {
      expect(readAuditQuestion(text), text).toBeUndefined();
    }
  });
});
