import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCommand } from '../../src/conversation/commands.js';
import { messageKind, readsQuestion, type MessageKind, type OpenQuestion } from '../../src/conversation/message-kind.js';
import type { Lang } from '../../src/conversation/types.js';
import { loadDirectoryFile } from '../../src/directory/file-directory.js';
import { understand } from '../../src/language/understand.js';
import { PEOPLE, SCRIPT_START } from './scripts/spec-conversations.js';

// The directory the conversation tests run on (`CONTOSO` of ./harness.ts), read by the real language layer.
const directory = loadDirectoryFile(fileURLToPath(new URL('../fixtures/contoso-directory.json', import.meta.url)));

/** What Alex typed, as `handleText` reads it: the language layer's understanding and the command, if any. */
async function typed(text: string, known: Lang) {
  const u = await understand(text, { directory, requesterId: PEOPLE.alex.id, now: new Date(SCRIPT_START), language: known });
  return { u, command: readCommand(text, u) };
}

// Asked in Dutch, so a stop word of no one language shows it is answered in the question's language.
const QUESTION: OpenQuestion = { language: 'nl' };
const CHOICE: OpenQuestion = { language: 'nl', options: ['SendAs', 'SendOnBehalf'] };

/** A kind in a few words: `answer (name)` when it may be the name asked for, `stop-question stop nl`. */
function short(kind: MessageKind): string {
  switch (kind.kind) {
    case 'stop-question':
      return `stop-question ${kind.said} ${kind.language}`;
    case 'nothing-to-stop':
      return `nothing-to-stop ${kind.language}`;
    case 'answer':
      return kind.readsAsName ? 'answer (name)' : 'answer';
    case 'aside':
      return 'aside';
    case 'new-message':
      return 'new-message';
  }
}

interface Row {
  text: string;
  /** The language Alex is known to use before the words say another; English unless given. */
  known?: Lang;
  /** Whether the open question is read at all. */
  reads: boolean;
  /** The kind with no question open, at an open question (no options), at an open choice. */
  none: string;
  question: string;
  choice: string;
}

const NEW = 'new-message';
const ROWS: Row[] = [
  // A request, a query or a command goes on without reading an open question.
  { text: 'give Megan send as on Training', reads: false, none: NEW, question: NEW, choice: NEW },
  { text: 'give Megan send as', reads: false, none: NEW, question: NEW, choice: NEW },
  { text: 'give Megan send as on Training for 2 weeks until Friday', reads: false, none: NEW, question: NEW, choice: NEW },
  { text: 'help', reads: false, none: NEW, question: NEW, choice: NEW },
  { text: 'status', reads: false, none: NEW, question: NEW, choice: NEW },
  { text: 'more', reads: false, none: NEW, question: NEW, choice: NEW },
  { text: 'retry REQ-7K2F9', reads: false, none: NEW, question: NEW, choice: NEW },
  { text: 'audit Training', reads: false, none: NEW, question: NEW, choice: NEW },
  // Group membership: never an answer, and no request the bot makes: beside an open choice it replaces nothing.
  { text: 'add Megan to the Sales group', reads: true, none: NEW, question: NEW, choice: 'aside' },
  { text: 'voeg Isaiah toe aan de groep Sales', reads: true, none: NEW, question: NEW, choice: 'aside' },
  { text: 'remove Megan from the Training group', reads: true, none: NEW, question: NEW, choice: 'aside' },
  // "cancel" with a request named is about that request; a stop word in a whole new request is that request.
  { text: 'cancel REQ-7K2F9', reads: false, none: NEW, question: NEW, choice: NEW },
  { text: "stop Megan's send as on Training", reads: false, none: NEW, question: NEW, choice: NEW },
  // "cancel" drops the question; with none open it is about a request sent before.
  { text: 'cancel', reads: true, none: NEW, question: 'stop-question cancel en', choice: 'stop-question cancel en' },
  { text: 'annuleer', reads: true, none: NEW, question: 'stop-question cancel nl', choice: 'stop-question cancel nl' },
  // A stop word alone: with nothing asked said so; "stop" is Dutch too, so answered in the question's language.
  { text: 'stop', reads: true, none: 'nothing-to-stop en', question: 'stop-question stop nl', choice: 'stop-question stop nl' },
  { text: 'stop', known: 'nl', reads: true, none: 'nothing-to-stop nl', question: 'stop-question stop nl', choice: 'stop-question stop nl' },
  { text: 'forget it', known: 'nl', reads: true, none: 'nothing-to-stop en', question: 'stop-question stop en', choice: 'stop-question stop en' },
  { text: 'laat maar', reads: true, none: 'nothing-to-stop nl', question: 'stop-question stop nl', choice: 'stop-question stop nl' },
  { text: 'stoppen', reads: true, none: 'nothing-to-stop nl', question: 'stop-question stop nl', choice: 'stop-question stop nl' },
  // "never mind" reads as a cancel: with nothing asked it is one.
  { text: 'never mind', reads: true, none: NEW, question: 'stop-question stop en', choice: 'stop-question stop en' },
  // A stop said in a short answer wins over the rest of it.
  { text: 'Isaiah, forget it', reads: true, none: NEW, question: 'stop-question stop en', choice: 'stop-question stop en' },
  { text: 'Send As, forget it', reads: true, none: NEW, question: 'stop-question stop en', choice: 'stop-question stop en' },
  { text: 'stop Isaiah', reads: true, none: NEW, question: 'stop-question stop nl', choice: 'stop-question stop nl' },
  // What may be the name asked for; a name with words that say it is the one; a right named alone.
  { text: 'Megan Bowen', reads: true, none: NEW, question: 'answer (name)', choice: 'answer (name)' },
  { text: 'Jan Smit, thanks a lot for that', reads: true, none: NEW, question: 'answer (name)', choice: 'answer (name)' },
  { text: 'Megan needs it', reads: true, none: NEW, question: 'answer', choice: 'answer' },
  { text: 'send as', reads: true, none: NEW, question: 'answer', choice: 'answer' },
  // What could only answer a choice: a new message at a question that offers none.
  { text: 'Send As, thanks', reads: true, none: NEW, question: NEW, choice: 'answer' },
  { text: 'Send As for 2 weeks', reads: true, none: NEW, question: NEW, choice: 'answer' },
  { text: 'remove send as', reads: true, none: NEW, question: NEW, choice: 'answer' },
  // An audit question (a command): a new message even at an open choice, as "audit Support" is.
  { text: 'what did the bot do?', reads: false, none: NEW, question: NEW, choice: NEW },
  { text: 'what is the weather like?', reads: true, none: NEW, question: NEW, choice: 'answer' },
  { text: 'give Megan send as on Training until 2026-02-30', reads: true, none: NEW, question: NEW, choice: 'answer' },
];

describe('messageKind', () => {
  it.each(ROWS.map((row) => ({ known: 'en' as Lang, ...row })))('"$text" (known $known): reads the question $reads; none $none, question $question, choice $choice', async (row) => {
    const { u, command } = await typed(row.text, row.known);
    expect(readsQuestion(u, command)).toBe(row.reads);
    expect({
      none: short(messageKind(u, command, undefined)),
      question: short(messageKind(u, command, QUESTION)),
      choice: short(messageKind(u, command, CHOICE)),
    }).toEqual({ none: row.none, question: row.question, choice: row.choice });
  });

  it('hands back the open question it is an answer to, so it is answered without another read', async () => {
    const { u, command } = await typed('Megan Bowen', 'en');
    const question = { language: 'en' as const, id: 'draft-1' };
    const kind = messageKind(u, command, question);
    expect(kind).toEqual({ kind: 'answer', question, readsAsName: true });
    expect(kind.kind === 'answer' && kind.question).toBe(question);
  });

  it('is a new message whatever is open when the question need not be read', async () => {
    for (const row of ROWS.filter((r) => !r.reads)) {
      const { u, command } = await typed(row.text, row.known ?? 'en');
      for (const open of [undefined, QUESTION, CHOICE]) expect(messageKind(u, command, open), row.text).toEqual({ kind: 'new-message' });
    }
  });
});
