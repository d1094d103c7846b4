import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Directory } from '../../src/directory/directory.js';
import { parseDirectoryFile, type DirectoryFile } from '../../src/directory/file-directory.js';

export const DIRECTORY_CONTRACT_PATH = fileURLToPath(new URL('../fixtures/directory-contract.json', import.meta.url));

/** The contract's directory file (test/fixtures/directory-contract.json), parsed afresh. */
export function directoryContractFile(): DirectoryFile {
  return parseDirectoryFile(JSON.parse(readFileSync(DIRECTORY_CONTRACT_PATH, 'utf8')), DIRECTORY_CONTRACT_PATH);
}

export interface DirectoryHarness {
  directory: Directory;
  close?(): Promise<void>;
}

const ids = (list: { id: string }[]) => list.map((x) => x.id).sort();

/**
 * The behaviour every Directory shows (file, Microsoft Graph over its fake), on the contract file:
 * the implementation under test is built to describe exactly the tenant in that file.
 */
export function directoryContract(name: string, create: (file: DirectoryFile) => Promise<DirectoryHarness>): void {
  describe(`Directory contract: ${name}`, () => {
    let harness: DirectoryHarness;
    let directory: Directory;
    beforeEach(async () => {
      harness = await create(directoryContractFile());
      directory = harness.directory;
    });
    afterEach(async () => {
      await harness.close?.();
    });

    it('names its tenant', () => {
      expect(directory.tenantId).toBe('11111111-2222-3333-4444-555555555555');
      expect(directory.tenantDomain).toBeTruthy();
    });

    it('gets a user by id with manager, language and guest flag', async () => {
      expect(await directory.getUser('d-megan')).toEqual({
        id: 'd-megan',
        displayName: 'Megan Bowen',
        mail: 'meganb@contract.example',
        managerId: 'd-miriam',
        preferredLanguage: 'en-US',
      });
      expect(await directory.getUser('d-guest')).toMatchObject({ id: 'd-guest', guest: true });
      expect((await directory.getUser('d-miriam'))?.managerId).toBeUndefined();
    });

    it('answers undefined for unknown and hostile ids, and for a shared mailbox or group id', async () => {
      for (const id of ['nobody', '', '../users/d-megan', 'd-megan/manager', "x'; Remove-Mailbox", 'x'.repeat(100_000), 'd-support', 'd-training']) {
        expect(await directory.getUser(id), id.slice(0, 40)).toBeUndefined();
      }
    });

    it('finds a user by mail, case-insensitively', async () => {
      expect((await directory.findUserByMail('MeganB@Contract.Example'))?.id).toBe('d-megan');
      expect(await directory.findUserByMail('nobody@contract.example')).toBeUndefined();
      expect(await directory.findUserByMail("o'brien@contract.example' or 1 eq 1")).toBeUndefined();
      expect(await directory.findUserByMail('support@contract.example')).toBeUndefined();
    });

    it('finds users by full name, first name, last name, mail and mail local part', async () => {
      for (const text of ['Megan Bowen', 'megan', 'Bowen', 'meganb@contract.example', 'meganb', '  MEGAN   bowen ']) {
        expect(ids(await directory.findUsers(text)), text).toEqual(['d-megan']);
      }
    });

    it('ignores case, diacritics and punctuation', async () => {
      expect(ids(await directory.findUsers('Zoe'))).toEqual(['d-zoe']);
      expect(ids(await directory.findUsers('zoe renee muller'))).toEqual(['d-zoe']);
      expect(ids(await directory.findUsers('Zoë'))).toEqual(['d-zoe']);
      expect(ids(await directory.findUsers('obrien'))).toEqual(['d-obrien']);
      expect(ids(await directory.findUsers("O'Brien"))).toEqual(['d-obrien']);
      expect(ids(await directory.findUsers('Pat O’Brien'))).toEqual(['d-obrien']);
      expect(ids(await directory.findUsers('de Jong'))).toEqual(['d-henk']);
    });

    it('returns every match for an ambiguous name and nothing for a mere prefix', async () => {
      expect(ids(await directory.findUsers('Jan'))).toEqual(['d-jan1', 'd-jan2']);
      expect(ids(await directory.findUsers('Meg'))).toEqual([]);
    });

    it('answers [] for unknown, empty, huge and hostile text', async () => {
      for (const text of ['Nobody Atall', '', '   ', '!!!', 'x'.repeat(100_000), 'x; Remove-Mailbox', '"displayName:megan" OR "mail:a"', '<b>megan</b>\u0000']) {
        expect(await directory.findUsers(text), text.slice(0, 40)).toEqual([]);
      }
    });

    it('does not return shared mailboxes as people', async () => {
      expect(await directory.findUsers('Support')).toEqual([]);
    });

    it('gets targets of every kind by id', async () => {
      expect(await directory.getTarget('d-megan')).toEqual({ id: 'd-megan', kind: 'user', displayName: 'Megan Bowen', mail: 'meganb@contract.example' });
      expect(await directory.getTarget('d-support')).toEqual({ id: 'd-support', kind: 'shared', displayName: 'Support', mail: 'support@contract.example' });
      expect(await directory.getTarget('d-training')).toEqual({ id: 'd-training', kind: 'group', displayName: 'Training', mail: 'training@contract.example' });
      expect(await directory.getTarget('nothing')).toBeUndefined();
      expect(await directory.getTarget('../groups')).toBeUndefined();
    });

    it('finds groups and shared mailboxes by name, mail and local part, never people', async () => {
      expect(ids(await directory.findTargets('training'))).toEqual(['d-training']);
      expect(ids(await directory.findTargets('Sales Team NL'))).toEqual(['d-sales']);
      expect(ids(await directory.findTargets('sales.nl@contract.example'))).toEqual(['d-sales']);
      expect(ids(await directory.findTargets('support'))).toEqual(['d-support']);
      expect(ids(await directory.findTargets('Facturen afdeling'))).toEqual(['d-facturen']);
      expect(ids(await directory.findTargets('facturen'))).toEqual(['d-facturen']);
      expect(await directory.findTargets('Megan Bowen')).toEqual([]);
      expect(await directory.findTargets('')).toEqual([]);
      expect(await directory.findTargets('x'.repeat(100_000))).toEqual([]);
    });

    it('suggests close names for a name not found: a typo or a word of the name, never a shared mailbox as a person', async () => {
      expect(await directory.suggestNames?.('Megn', 'users')).toEqual(['d-megan']);
      expect(await directory.suggestNames?.('Megan Bowne', 'users')).toEqual(['d-megan']);
      expect(await directory.suggestNames?.('Trainig', 'targets')).toEqual(['d-training']);
      expect(await directory.suggestNames?.('Sales', 'targets')).toEqual(['d-sales']);
      expect(await directory.suggestNames?.('Suport', 'targets')).toEqual(['d-support']);
      expect(await directory.suggestNames?.('Suport', 'users')).toEqual([]);
      for (const text of ['Nobody Atall', '', 'Zz', 'x'.repeat(100_000), '"displayName:megan" OR "mail:a"']) {
        expect(await directory.suggestNames?.(text, 'users'), text.slice(0, 40)).toEqual([]);
        expect(await directory.suggestNames?.(text, 'targets'), text.slice(0, 40)).toEqual([]);
      }
    });

    it('gives a group with its owners and members', async () => {
      const group = await directory.getGroup('d-training');
      expect(group).toMatchObject({ id: 'd-training', displayName: 'Training', mail: 'training@contract.example', owners: ['d-miriam'] });
      expect([...group!.members].sort()).toEqual(['d-guest', 'd-megan', 'd-miriam', 'd-zoe']);
      expect(await directory.getGroup('d-support')).toBeUndefined();
      expect(await directory.getGroup('nope')).toBeUndefined();
    });

    it('gives a shared mailbox with its owners', async () => {
      const shared = await directory.getSharedMailbox('d-support');
      expect(shared).toMatchObject({ id: 'd-support', displayName: 'Support', mail: 'support@contract.example' });
      expect([...shared!.owners].sort()).toEqual(['d-henk', 'd-miriam']);
      expect(await directory.getSharedMailbox('d-training')).toBeUndefined();
    });

    it('knows managers', async () => {
      expect((await directory.managerOf('d-obrien'))?.id).toBe('d-megan');
      expect(await directory.managerOf('d-miriam')).toBeUndefined();
      expect(await directory.managerOf('nobody')).toBeUndefined();
    });

    it('knows owners of every kind of target and members of groups', async () => {
      expect(await directory.ownersOf('d-megan')).toEqual(['d-megan']);
      expect([...(await directory.ownersOf('d-sales'))].sort()).toEqual(['d-henk', 'd-jan1']);
      expect([...(await directory.ownersOf('d-support'))].sort()).toEqual(['d-henk', 'd-miriam']);
      expect(await directory.ownersOf('nobody')).toEqual([]);
      expect([...(await directory.membersOf('d-sales'))].sort()).toEqual(['d-henk', 'd-jan1', 'd-jan2']);
      expect(await directory.membersOf('d-support')).toEqual([]);
      expect(await directory.membersOf('d-megan')).toEqual([]);
    });

    it('lists every target: user mailboxes, shared mailboxes and groups', async () => {
      const targets = await directory.listTargets();
      const byKind = (kind: string) => targets.filter((t) => t.kind === kind).map((t) => t.id).sort();
      expect(byKind('group')).toEqual(['d-sales', 'd-training']);
      expect(byKind('shared')).toEqual(['d-facturen', 'd-support']);
      expect(byKind('user')).toEqual(['d-guest', 'd-henk', 'd-jan1', 'd-jan2', 'd-janet', 'd-megan', 'd-miriam', 'd-obrien', 'd-zoe']);
    });
  });
}
