import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDirectoryFile } from '../../src/directory/file-directory.js';
import { toContractJson, understand, type UnderstandOptions } from '../../src/language/understand.js';

const directory = loadDirectoryFile(fileURLToPath(new URL('./fixtures/directory.json', import.meta.url)));
const options: UnderstandOptions = { directory, requesterId: 'u-emma', now: new Date('2026-11-23T08:00:00Z'), utcOffsetMinutes: 60 };
const sentence = async (text: string) => (await understand(text, options)).sentence === true;

/** `Understanding.sentence`: whether a message reads as a sentence, or could be a name typed as an answer. */
describe('a sentence or a name', () => {
  it('reads questions, verbs and right phrases as sentences, in English and Dutch', async () => {
    for (const text of ['what did the bot do?', 'wat heeft de bot gedaan?', 'give @channel send-as on Training', 'who is that', 'waarom duurt dit zo lang?', 'send as Sales', 'why not now?']) {
      expect(await sentence(text), text).toBe(true);
    }
  });

  it('reads names, unknown names and a single word as possible answers', async () => {
    for (const text of ['Nonexistent', 'Narnia?', 'Zoë Dubois', 'Marketing NL', 'Finance Team', 'Grant Wilson', 'Grant Peters', 'me', 'Sales please', 'the Info mailbox', 'who?']) {
      expect(await sentence(text), text).toBe(false);
    }
  });

  it('leaves the SPEC section 5 contract object as it was', async () => {
    const u = await understand('what did the bot do?', options);
    expect(toContractJson(u)).toEqual({ intent: 'unknown', permission: null, grantee: null, target: null, duration: null, until: null, language: 'en' });
  });
});
