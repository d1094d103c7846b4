import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileDirectory, loadDirectoryFile, parseDirectoryFile } from '../../src/directory/file-directory.js';
import { isBotError } from '../../src/domain/errors.js';
import { directoryContract, directoryContractFile } from './directory-contract.js';

directoryContract('file', async (file) => ({ directory: new FileDirectory(file) }));

describe('file directory', () => {
  type Raw = {
    users: Record<string, unknown>[];
    groups: { id: string; owners: string[]; members: string[] }[];
    sharedMailboxes: { id: string; owners: string[] }[];
    admins: string[];
    permissions: unknown[];
  };
  const base = () => directoryContractFile() as unknown as Raw;
  const refused = (raw: unknown, pattern: RegExp) => {
    try {
      parseDirectoryFile(raw, 'test.json');
    } catch (error) {
      expect(isBotError(error, 'config_invalid')).toBe(true);
      expect((error as Error).message).toMatch(pattern);
      return;
    }
    throw new Error('the file was accepted');
  };

  it('knows its admins and initial permissions', async () => {
    const directory = new FileDirectory(directoryContractFile());
    expect(await directory.admins()).toEqual(['d-miriam']);
    expect(await directory.initialPermissions()).toEqual([
      { target: 'd-training', trustee: 'd-megan', right: 'SendOnBehalf' },
      { target: 'd-megan', trustee: 'd-obrien', right: 'FullAccess' },
    ]);
  });

  it('answers findNamed exactly as findUsers and findTargets would, one read of the index for both', async () => {
    const file = directoryContractFile();
    const directory = new FileDirectory(file);
    const names = [...file.users, ...file.groups, ...file.sharedMailboxes].flatMap((x) => [x.displayName, x.mail, x.mail.split('@')[0]!]);
    const words = names.flatMap((n) => n.split(/[\s@.]+/));
    for (const text of [...names, ...words, 'zoe renee muller', "O'Brien", 'de jong', 'Sales Team NL', 'nobody', '', ' MEGANB@contract.example ']) {
      const named = await directory.findNamed(text);
      expect(named, text).toEqual({ users: await directory.findUsers(text), targets: await directory.findTargets(text) });
      // Copies: changing an answer does not change the index.
      named.users.length = 0;
      named.targets.length = 0;
    }
    expect((await directory.findNamed('Megan')).users.map((u) => u.id)).toEqual(['d-megan']);
  });

  it('refuses a bad field naming the entry', () => {
    const raw = base();
    raw.users[2]!.mail = 'not-an-address';
    refused(raw, /users\.2\.mail \(entry "d-zoe"\): must be a mail address/);
  });

  it('refuses an unknown owner, member, manager and admin naming the entry', () => {
    let raw = base();
    raw.groups[0]!.owners.push('ghost');
    refused(raw, /groups "d-training" owners names unknown user "ghost"/);
    raw = base();
    raw.groups[1]!.members.push('ghost');
    refused(raw, /groups "d-sales" members names unknown user "ghost"/);
    raw = base();
    raw.sharedMailboxes[0]!.owners.push('ghost');
    refused(raw, /sharedMailboxes "d-support" owners names unknown user "ghost"/);
    raw = base();
    raw.users[0]!.managerId = 'ghost';
    refused(raw, /users "d-megan" managerId names unknown user "ghost"/);
    raw = base();
    raw.admins = ['ghost'];
    refused(raw, /admins names unknown user "ghost"/);
  });

  it('refuses a duplicate id naming both entries', () => {
    const raw = base();
    raw.sharedMailboxes[0]!.id = 'd-training';
    refused(raw, /duplicate id "d-training" in sharedMailboxes "Support" \(already used by groups "Training"\)/);
  });

  it('refuses Full Access on a group and a permission on an unknown target', () => {
    let raw = base();
    raw.permissions = [{ target: 'd-training', trustee: 'd-megan', right: 'FullAccess' }];
    refused(raw, /permissions\[0\] \(d-megan FullAccess on d-training\): FullAccess cannot be granted on a group/);
    raw = base();
    raw.permissions = [{ target: 'ghost', trustee: 'd-megan', right: 'SendAs' }];
    refused(raw, /permissions\[0\].*unknown target "ghost"/);
  });

  it('refuses a file that is not JSON or cannot be read, naming the setting, the file and the cause', () => {
    const dir = mkdtempSync(join(tmpdir(), 'directory-'));
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "tenant": ');
    expect(() => loadDirectoryFile(path, 'DIRECTORY')).toThrow(`DIRECTORY: file ${path} is not valid JSON`);
    expect(() => loadDirectoryFile(join(dir, 'missing.json'), 'DIRECTORY')).toThrow(`DIRECTORY: file ${join(dir, 'missing.json')} cannot be read (no such file)`);
    expect(() => loadDirectoryFile(dir, '--directory')).toThrow(`--directory: file ${dir} cannot be read (is a directory)`);
    expect(() => loadDirectoryFile(join(path, 'inner.json'), 'DIRECTORY')).toThrow('cannot be read (a part of the path is not a directory)');
  });

  it('names the setting and the file before a wrong entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'directory-'));
    const path = join(dir, 'org.json');
    writeFileSync(path, JSON.stringify({ ...base(), admins: ['ghost'] }));
    expect(() => loadDirectoryFile(path, 'DIRECTORY')).toThrow(`DIRECTORY: file ${path}: admins names unknown user "ghost"`);
  });
});
