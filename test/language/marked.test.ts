import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDirectoryFile } from '../../src/directory/file-directory.js';
import { understand, type UnderstandOptions } from '../../src/language/understand.js';

const directory = loadDirectoryFile(fileURLToPath(new URL('./fixtures/directory.json', import.meta.url)));
const options: UnderstandOptions = { directory, requesterId: 'u-emma', now: new Date('2026-11-23T08:00:00Z') };

describe('understand: people the channel marked (a Slack mention)', () => {
  it('takes the marked words as that directory user, where the name alone is two people', async () => {
    expect((await understand('give Jan send as on Sales', options)).grantee).toMatchObject({ status: 'ambiguous' });
    const u = await understand('give Jan send as on Sales', { ...options, mentions: [{ text: 'Jan', userId: 'u-jan-v' }] });
    expect(u).toMatchObject({ intent: 'grant', permission: 'SendAs', grantee: { status: 'resolved', id: 'u-jan-v' }, target: { status: 'resolved', id: 'g-sales' } });
  });

  it('reads a marked person the channel could not identify as unknown, never as a namesake', async () => {
    const u = await understand('give Zoë Dubois send as on Sales', { ...options, mentions: [{ text: 'Zoë Dubois' }] });
    expect(u.grantee).toEqual({ status: 'unknown', text: 'Zoë Dubois' });
  });

  it('coordinates marked people like typed names', async () => {
    const u = await understand('give Jan and Zoë Dubois send as on Sales', { ...options, mentions: [{ text: 'Jan', userId: 'u-jan-b' }, { text: 'Zoë Dubois', userId: 'u-zoe' }] });
    expect(u).toMatchObject({ intent: 'grant', permission: 'SendAs' });
    expect(u.grantees).toEqual([{ status: 'resolved', id: 'u-jan-b' }, { status: 'resolved', id: 'u-zoe' }]);
  });
});
