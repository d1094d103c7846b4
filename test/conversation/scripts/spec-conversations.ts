/**
 * The conversations of SPEC section 2 as data, in English and Dutch, on the Contoso fixture
 * directory (`test/fixtures/contoso-directory.json`) at Monday 23 November 2026 09:00 Amsterdam.
 *
 * Channel-neutral on purpose: the conversation suite (test/conversation/spec-conversations.test.ts)
 * plays them against `src/conversation` directly, and each channel (Teams, Slack) can replay the same
 * scripts through its own transport. A step is something one person does (says a text, or clicks);
 * its expectations are the kinds of the replies, in order, and words each reply must show (names, ids,
 * phrases of the shared wording), and the requests stored afterwards.
 */
import type { RefusalCode, ReplyKind } from '../../../src/conversation/types.js';

/** People of the Contoso fixture: directory id and the locale of their chat client. */
export const PEOPLE = {
  alex: { id: '0a1e0001-aaaa-4bbb-8ccc-000000000001', name: 'Alex Wilber', locale: 'en-US' },
  megan: { id: '0a1e0002-aaaa-4bbb-8ccc-000000000002', name: 'Megan Bowen', locale: 'en-US' },
  /** Owner of Training; prefers Dutch. */
  adele: { id: '0a1e0003-aaaa-4bbb-8ccc-000000000003', name: 'Adele Vance', locale: 'nl-NL' },
  /** Holds Full Access on Support. */
  isaiah: { id: '0a1e0004-aaaa-4bbb-8ccc-000000000004', name: 'Isaiah Langer', locale: 'en-US' },
  /** Everyone's manager; owner of Sales and Support. */
  miriam: { id: '0a1e0005-aaaa-4bbb-8ccc-000000000005', name: 'Miriam Graham', locale: 'en-US' },
  janJansen: { id: '0a1e0006-aaaa-4bbb-8ccc-000000000006', name: 'Jan Jansen', locale: 'nl-NL' },
  janSmit: { id: '0a1e0007-aaaa-4bbb-8ccc-000000000007', name: 'Jan Smit', locale: 'nl-NL' },
  /** The bot's admin. */
  nestor: { id: '0a1e0009-aaaa-4bbb-8ccc-000000000009', name: 'Nestor Wilke', locale: 'en-US' },
} as const;
export type Person = keyof typeof PEOPLE;

/** Mailboxes and groups by name; a person's own mailbox is their id. */
export const TARGETS = {
  training: '9f0e0001-bbbb-4ccc-8ddd-000000000001',
  sales: '9f0e0002-bbbb-4ccc-8ddd-000000000002',
  support: '5b0e0001-cccc-4ddd-8eee-000000000001',
  meganMailbox: PEOPLE.megan.id,
} as const;
export type Target = keyof typeof TARGETS;

/** The time every script starts at (a Monday); "until Friday" is 27 November 2026. */
export const SCRIPT_START = '2026-11-23T08:00:00Z';
export const SCRIPT_TIME_ZONE = 'Europe/Amsterdam';

export interface ExpectedReply {
  kind: ReplyKind;
  /** Words the reply shows (its text, or its card's / blocks' text). */
  includes?: string[];
  /** Words it must not show. */
  excludes?: string[];
  /** refusal: its code. */
  code?: RefusalCode;
  /** choice: the options' labels, in order. */
  options?: string[];
  /** requests: how many of the listed requests offer Cancel. */
  cancellable?: number;
}

export interface ExpectedRequest {
  kind?: 'grant' | 'revoke';
  rights?: string[];
  grantee?: Person;
  target?: Target;
  duration?: string;
  until?: string;
  state?: string;
}

export type Click =
  /** Pick option N of the last choice this person was given. */
  | { verb: 'choose'; option: number }
  /** Decide the oldest request awaiting this person's decision. */
  | { verb: 'approve' | 'reject' }
  /** Cancel this person's newest pending request from their "my requests" list. */
  | { verb: 'cancel' };

export interface Step {
  as: Person;
  /** The client's locale for this person (default: theirs in PEOPLE). */
  locale?: string;
  say?: string;
  click?: Click;
  /** The replies, in order; for a click the first answers it in place. */
  replies: ExpectedReply[];
  /** The requests this person asked for, newest first, after the step. */
  requestsOf?: { person: Person; expect: ExpectedRequest[] };
}

export interface Script {
  name: string;
  lang: 'en' | 'nl';
  steps: Step[];
}

const nl = 'nl-NL';

export const SPEC_SCRIPTS: Script[] = [
  {
    name: 'give Megan send-as on Training: summary to the requester, decided by the owner',
    lang: 'en',
    steps: [
      {
        as: 'alex',
        say: 'give Megan send-as on Training',
        replies: [{ kind: 'summary', includes: ['Request: Send As for Megan Bowen on Training', 'Adele Vance', 'Waiting for approval'] }],
        requestsOf: { person: 'alex', expect: [{ kind: 'grant', rights: ['SendAs'], grantee: 'megan', target: 'training', state: 'pending' }] },
      },
      { as: 'adele', click: { verb: 'approve' }, replies: [{ kind: 'approval', includes: ['Adele Vance', 'Megan Bowen'] }], requestsOf: { person: 'alex', expect: [{ state: 'applied' }] } },
    ],
  },
  {
    name: 'geef Megan verzenden als op Training',
    lang: 'nl',
    steps: [
      {
        as: 'alex',
        locale: nl,
        say: 'geef Megan verzenden als op Training',
        replies: [{ kind: 'summary', includes: ['Verzenden als', 'Megan Bowen', 'Training', 'Adele Vance'], excludes: ['Request:'] }],
        requestsOf: { person: 'alex', expect: [{ kind: 'grant', rights: ['SendAs'], grantee: 'megan', target: 'training', state: 'pending' }] },
      },
      { as: 'adele', click: { verb: 'reject' }, replies: [{ kind: 'approval', includes: ['Adele Vance'] }], requestsOf: { person: 'alex', expect: [{ state: 'rejected' }] } },
    ],
  },
  {
    name: "let Alex read Megan's mailbox for 2 weeks",
    lang: 'en',
    steps: [
      {
        as: 'isaiah',
        say: "let Alex read Megan's mailbox for 2 weeks",
        replies: [{ kind: 'summary', includes: ['Full Access (read and manage) for Alex Wilber on Megan Bowen', '14 days', 'Miriam Graham'] }],
        requestsOf: { person: 'isaiah', expect: [{ rights: ['FullAccess'], grantee: 'alex', target: 'meganMailbox', duration: 'P14D' }] },
      },
    ],
  },
  {
    name: 'laat Alex het postvak van Megan lezen voor 2 weken',
    lang: 'nl',
    steps: [
      {
        as: 'isaiah',
        locale: nl,
        say: 'laat Alex het postvak van Megan lezen voor 2 weken',
        replies: [{ kind: 'summary', includes: ['Alex Wilber', 'Megan Bowen', '14 dagen'] }],
        requestsOf: { person: 'isaiah', expect: [{ rights: ['FullAccess'], grantee: 'alex', target: 'meganMailbox', duration: 'P14D' }] },
      },
    ],
  },
  {
    name: 'I need send on behalf of Support until Friday: the requester is the grantee, the end is Friday',
    lang: 'en',
    steps: [
      {
        as: 'megan',
        say: 'I need send on behalf of Support until Friday',
        replies: [{ kind: 'summary', includes: ['Send on Behalf for Megan Bowen on Support', 'until the end of Friday, 27 November 2026'], excludes: ['24:00'] }],
        requestsOf: { person: 'megan', expect: [{ rights: ['SendOnBehalf'], grantee: 'megan', target: 'support', until: '2026-11-27' }] },
      },
    ],
  },
  {
    name: 'ik heb verzenden namens Support nodig tot vrijdag',
    lang: 'nl',
    steps: [
      {
        as: 'megan',
        locale: nl,
        say: 'ik heb verzenden namens Support nodig tot vrijdag',
        replies: [{ kind: 'summary', includes: ['Verzenden namens', 'Megan Bowen', 'Support', 'tot en met vrijdag 27 november 2026'], excludes: ['24:00'] }],
        requestsOf: { person: 'megan', expect: [{ rights: ['SendOnBehalf'], grantee: 'megan', target: 'support', until: '2026-11-27' }] },
      },
    ],
  },
  {
    name: 'give Jan send-as on Sales: two Jans, a choice, nothing requested until chosen',
    lang: 'en',
    steps: [
      {
        as: 'alex',
        say: 'give Jan send-as on Sales',
        replies: [{ kind: 'choice', includes: ['Which person do you mean?'], options: ['Jan Jansen (jan.jansen@contoso.example)', 'Jan Smit (jan.smit@contoso.example)'] }],
        requestsOf: { person: 'alex', expect: [] },
      },
      {
        as: 'alex',
        click: { verb: 'choose', option: 1 },
        replies: [{ kind: 'notice', includes: ['Jan Smit'] }, { kind: 'summary', includes: ['Send As for Jan Smit on Sales', 'Miriam Graham'] }],
        requestsOf: { person: 'alex', expect: [{ grantee: 'janSmit', target: 'sales', rights: ['SendAs'] }] },
      },
    ],
  },
  {
    name: 'geef Jan verzenden als op Sales',
    lang: 'nl',
    steps: [
      {
        as: 'alex',
        locale: nl,
        say: 'geef Jan verzenden als op Sales',
        replies: [{ kind: 'choice', options: ['Jan Jansen (jan.jansen@contoso.example)', 'Jan Smit (jan.smit@contoso.example)'], excludes: ['Which person'] }],
        requestsOf: { person: 'alex', expect: [] },
      },
      {
        as: 'alex',
        locale: nl,
        click: { verb: 'choose', option: 0 },
        replies: [{ kind: 'notice', includes: ['Jan Jansen'] }, { kind: 'summary', includes: ['Verzenden als', 'Jan Jansen', 'Sales'] }],
        requestsOf: { person: 'alex', expect: [{ grantee: 'janJansen', target: 'sales', rights: ['SendAs'] }] },
      },
    ],
  },
  {
    name: 'give Megan access to Training: a group, so which right (no Full Access offered)',
    lang: 'en',
    steps: [
      { as: 'alex', say: 'give Megan access to Training', replies: [{ kind: 'choice', includes: ['Which right on Training?'], options: ['Send As', 'Send on Behalf'] }] },
      {
        as: 'alex',
        click: { verb: 'choose', option: 1 },
        replies: [{ kind: 'notice', includes: ['Send on Behalf'] }, { kind: 'summary', includes: ['Send on Behalf for Megan Bowen on Training'] }],
        requestsOf: { person: 'alex', expect: [{ rights: ['SendOnBehalf'], grantee: 'megan', target: 'training' }] },
      },
    ],
  },
  {
    name: 'geef Megan toegang tot Training',
    lang: 'nl',
    steps: [
      { as: 'alex', locale: nl, say: 'geef Megan toegang tot Training', replies: [{ kind: 'choice', includes: ['Training'], options: ['Verzenden als', 'Verzenden namens'] }] },
      {
        as: 'alex',
        locale: nl,
        click: { verb: 'choose', option: 0 },
        replies: [{ kind: 'notice', includes: ['Verzenden als'] }, { kind: 'summary', includes: ['Verzenden als', 'Megan Bowen', 'Training'] }],
        requestsOf: { person: 'alex', expect: [{ rights: ['SendAs'], grantee: 'megan', target: 'training' }] },
      },
    ],
  },
  {
    name: "remove Isaiah's full access to Support: a revoke request",
    lang: 'en',
    steps: [
      {
        as: 'alex',
        say: "remove Isaiah's full access to Support",
        replies: [{ kind: 'summary', includes: ['Request: remove Full Access (read and manage) from Isaiah Langer on Support', 'Miriam Graham'] }],
        requestsOf: { person: 'alex', expect: [{ kind: 'revoke', rights: ['FullAccess'], grantee: 'isaiah', target: 'support' }] },
      },
    ],
  },
  {
    name: 'haal de volledige toegang van Isaiah tot Support weg',
    lang: 'nl',
    steps: [
      {
        as: 'alex',
        locale: nl,
        say: 'haal de volledige toegang van Isaiah tot Support weg',
        replies: [{ kind: 'summary', includes: ['Isaiah Langer', 'Support', 'intrekken'] }],
        requestsOf: { person: 'alex', expect: [{ kind: 'revoke', rights: ['FullAccess'], grantee: 'isaiah', target: 'support' }] },
      },
    ],
  },
  {
    name: 'who has access to Support? (admins and owners only)',
    lang: 'en',
    steps: [
      { as: 'nestor', say: 'who has access to Support?', replies: [{ kind: 'access', includes: ['Who has access to Support', 'Isaiah Langer', 'Full Access (read and manage)', 'nobody'] }] },
      { as: 'miriam', say: 'who has access to Support?', replies: [{ kind: 'access', includes: ['Isaiah Langer'] }] },
      { as: 'alex', say: 'who has access to Support?', replies: [{ kind: 'refusal', code: 'query_target_not_allowed', includes: ['only admins'] }] },
      { as: 'nestor', say: 'who has access to Training?', replies: [{ kind: 'access', includes: ['Alex Wilber', 'Send on Behalf'], excludes: ['Full Access'] }] },
    ],
  },
  {
    name: 'wie heeft toegang tot Support?',
    lang: 'nl',
    steps: [
      { as: 'nestor', locale: nl, say: 'wie heeft toegang tot Support?', replies: [{ kind: 'access', includes: ['Support', 'Isaiah Langer', 'niemand'] }] },
      { as: 'alex', locale: nl, say: 'wie heeft toegang tot Support?', replies: [{ kind: 'refusal', code: 'query_target_not_allowed', excludes: ['only admins'] }] },
    ],
  },
  {
    name: 'what can Alex access? (admins only)',
    lang: 'en',
    steps: [
      { as: 'nestor', say: 'what can Alex access?', replies: [{ kind: 'holdings', includes: ['What Alex Wilber can access', 'Training (Microsoft 365 group)', 'Send on Behalf'] }] },
      { as: 'isaiah', say: 'what can Alex access?', replies: [{ kind: 'refusal', code: 'query_person_not_allowed', includes: ['only admins'] }] },
    ],
  },
  {
    name: 'waar heeft Alex toegang toe?',
    lang: 'nl',
    steps: [{ as: 'nestor', locale: nl, say: 'waar heeft Alex toegang toe?', replies: [{ kind: 'holdings', includes: ['Alex Wilber', 'Training', 'Verzenden namens'] }] }],
  },
  {
    name: 'my requests, status and cancel',
    lang: 'en',
    steps: [
      { as: 'alex', say: 'give Megan send-as on Training', replies: [{ kind: 'summary' }] },
      { as: 'alex', say: 'my requests', replies: [{ kind: 'requests', includes: ['Your requests', 'Send As for Megan Bowen on Training', 'Waiting for approval', 'Cancel'] }] },
      { as: 'alex', say: 'status', replies: [{ kind: 'requests', includes: ['Waiting for approval'] }] },
      { as: 'alex', say: 'cancel', replies: [{ kind: 'text', includes: ['Cancelled request'] }], requestsOf: { person: 'alex', expect: [{ state: 'cancelled' }] } },
      { as: 'alex', say: 'cancel', replies: [{ kind: 'text', includes: ['no open request'] }] },
    ],
  },
  {
    name: 'mijn aanvragen en annuleren (met de knop)',
    lang: 'nl',
    steps: [
      { as: 'adele', say: 'geef Megan verzenden als op Sales', replies: [{ kind: 'summary' }] },
      { as: 'adele', say: 'mijn aanvragen', replies: [{ kind: 'requests', includes: ['Megan Bowen', 'Sales', 'annuleren'], cancellable: 1 }] },
      {
        as: 'adele',
        click: { verb: 'cancel' },
        // The list is redrawn without the cancelled request's Cancel, then the cancellation is confirmed.
        replies: [{ kind: 'requests', includes: ['Megan Bowen'], cancellable: 0 }, { kind: 'text', includes: ['geannuleerd'] }],
        requestsOf: { person: 'adele', expect: [{ state: 'cancelled' }] },
      },
    ],
  },
  {
    name: 'two people in one request: one request per person, each approved on its own',
    lang: 'en',
    steps: [
      {
        as: 'alex',
        say: 'give Megan and Patti full access to Support',
        replies: [{ kind: 'text', includes: ['one request per person', 'Megan Bowen', "Patti O'Brien"] }, { kind: 'summary' }, { kind: 'summary' }],
      },
    ],
  },
  {
    name: 'twee personen in één aanvraag, een van hen dubbelzinnig',
    lang: 'nl',
    steps: [
      { as: 'alex', locale: nl, say: 'geef Megan en Jan volledige toegang tot Support', replies: [{ kind: 'choice', options: ['Jan Jansen (jan.jansen@contoso.example)', 'Jan Smit (jan.smit@contoso.example)'] }] },
      {
        as: 'alex',
        locale: nl,
        click: { verb: 'choose', option: 1 },
        replies: [{ kind: 'notice', includes: ['Jan Smit'] }, { kind: 'text', includes: ['Megan Bowen', 'Jan Smit'] }, { kind: 'summary' }, { kind: 'summary' }],
      },
    ],
  },
  {
    name: 'help, with examples from the directory in use',
    lang: 'en',
    steps: [{ as: 'alex', say: 'help', replies: [{ kind: 'help', includes: ['give Megan send as on Training', 'who has access to Support?'] }] }],
  },
  {
    name: 'hulp',
    lang: 'nl',
    steps: [{ as: 'alex', locale: nl, say: 'hulp', replies: [{ kind: 'help', includes: ['geef Megan verzenden als op Training', 'wie heeft toegang tot Support?'] }] }],
  },
  {
    name: 'a request without a person: asked for whom, the answer read by the language layer',
    lang: 'en',
    steps: [
      { as: 'alex', say: 'give send as on Training', replies: [{ kind: 'ask', includes: ['For whom'] }] },
      { as: 'alex', say: 'Megan Bowen', replies: [{ kind: 'summary', includes: ['Send As for Megan Bowen on Training'] }] },
    ],
  },
  {
    name: 'een aanvraag zonder persoon',
    lang: 'nl',
    steps: [
      { as: 'alex', locale: nl, say: 'geef verzenden als op Training', replies: [{ kind: 'ask', excludes: ['For whom'] }] },
      { as: 'alex', locale: nl, say: 'mij', replies: [{ kind: 'summary', includes: ['Alex Wilber', 'Training'] }], requestsOf: { person: 'alex', expect: [{ grantee: 'alex' }] } },
    ],
  },
  {
    name: 'not understood: never guessed, an example that works here',
    lang: 'en',
    steps: [{ as: 'alex', say: 'hello there', replies: [{ kind: 'text', includes: ['did not understand', 'give Megan send as on Training'] }], requestsOf: { person: 'alex', expect: [] } }],
  },
  {
    name: 'niet begrepen',
    lang: 'nl',
    steps: [{ as: 'alex', locale: nl, say: 'hallo daar', replies: [{ kind: 'text', includes: ['geef Megan verzenden als op Training'] }], requestsOf: { person: 'alex', expect: [] } }],
  },
];
