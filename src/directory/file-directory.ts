import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BotError } from '../domain/errors.js';
import { RIGHTS, rightAppliesTo, type TargetKind } from '../domain/rights.js';
import type {
  Directory,
  DirectoryGroup,
  DirectorySharedMailbox,
  DirectoryUser,
  MailTarget,
  PermissionEntry,
} from './directory.js';
import { NearNames } from './near-names.js';
import { mailKeys, nameKeys, normalizeName, targetKeys } from './normalize.js';

const id = z.string().min(1).max(256);
const mail = z.string().min(3).max(320).regex(/^[^\s@]+@[^\s@]+$/, 'must be a mail address');

const directoryFileSchema = z.object({
  tenant: z.object({ id: z.string().min(1), domain: z.string().min(1) }),
  users: z.array(
    z.object({
      id,
      displayName: z.string().min(1).max(256),
      mail,
      managerId: id.optional(),
      preferredLanguage: z.string().min(2).max(35).optional(),
      guest: z.boolean().optional(),
    }),
  ),
  groups: z
    .array(z.object({ id, displayName: z.string().min(1).max(256), mail, owners: z.array(id), members: z.array(id) }))
    .default([]),
  sharedMailboxes: z
    .array(z.object({ id, displayName: z.string().min(1).max(256), mail, owners: z.array(id) }))
    .default([]),
  admins: z.array(id).default([]),
  permissions: z.array(z.object({ target: id, trustee: id, right: z.enum(RIGHTS) })).default([]),
});
export type DirectoryFile = z.infer<typeof directoryFileSchema>;

function invalid(source: string, message: string): BotError {
  return new BotError('config_invalid', `${source}: ${message}`);
}

/**
 * Validates a parsed directory file: schema first, then the cross references. Throws
 * `config_invalid` naming the entry, after `source` (what the file is called: `DIRECTORY: file PATH`).
 */
export function parseDirectoryFile(raw: unknown, source = 'Directory file'): DirectoryFile {
  const parsed = directoryFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(root)';
    let entry = '';
    // Name the entry (e.g. users[3] "Megan Bowen") rather than only its index.
    if (issue.path.length >= 2 && typeof issue.path[1] === 'number' && raw && typeof raw === 'object') {
      const list = (raw as Record<string, unknown>)[String(issue.path[0])];
      const item = Array.isArray(list) ? (list[issue.path[1]] as Record<string, unknown> | undefined) : undefined;
      const label = item?.id ?? item?.displayName;
      if (typeof label === 'string') entry = ` (entry "${label}")`;
    }
    throw invalid(source, `${where}${entry}: ${issue.message}`);
  }
  const file = parsed.data;
  const ids = new Map<string, string>();
  const claim = (value: string, where: string) => {
    const previous = ids.get(value);
    if (previous) throw invalid(source, `duplicate id "${value}" in ${where} (already used by ${previous})`);
    ids.set(value, where);
  };
  file.users.forEach((u) => claim(u.id, `users "${u.displayName}"`));
  file.groups.forEach((g) => claim(g.id, `groups "${g.displayName}"`));
  file.sharedMailboxes.forEach((s) => claim(s.id, `sharedMailboxes "${s.displayName}"`));
  const userIds = new Set(file.users.map((u) => u.id));
  const requireUser = (value: string, where: string) => {
    if (!userIds.has(value)) throw invalid(source, `${where} names unknown user "${value}"`);
  };
  for (const u of file.users) if (u.managerId) requireUser(u.managerId, `users "${u.id}" managerId`);
  for (const g of file.groups) {
    g.owners.forEach((o) => requireUser(o, `groups "${g.id}" owners`));
    g.members.forEach((m) => requireUser(m, `groups "${g.id}" members`));
  }
  for (const s of file.sharedMailboxes) s.owners.forEach((o) => requireUser(o, `sharedMailboxes "${s.id}" owners`));
  file.admins.forEach((a) => requireUser(a, 'admins'));
  const groupIds = new Set(file.groups.map((g) => g.id));
  file.permissions.forEach((p, index) => {
    const where = `permissions[${index}] (${p.trustee} ${p.right} on ${p.target})`;
    if (!ids.has(p.target)) throw invalid(source, `${where}: unknown target "${p.target}"`);
    requireUser(p.trustee, `${where} trustee`);
    const kind: TargetKind = groupIds.has(p.target) ? 'group' : userIds.has(p.target) ? 'user' : 'shared';
    if (!rightAppliesTo(p.right, kind)) throw invalid(source, `${where}: FullAccess cannot be granted on a group`);
  });
  return file;
}

/**
 * Reads and validates a directory file. `setting` names where the path came from (`DIRECTORY`,
 * `--directory`), so each `config_invalid` it throws says what to fix, on one line:
 * `DIRECTORY: file /nope.json cannot be read (no such file)`.
 */
export function loadDirectoryFile(path: string, setting = 'Directory'): FileDirectory {
  const source = `${setting}: file ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new BotError('config_invalid', `${source} cannot be read (${readFailure(cause)})`, { cause });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new BotError('config_invalid', `${source} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return new FileDirectory(parseDirectoryFile(raw, source));
}

/** Node's file errors in words (`ENOENT` -> no such file); another code as it is. */
function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}

/** Users and targets filed under one folded key, so a single lookup answers `findNamed`. */
interface Named {
  users: DirectoryUser[];
  targets: MailTarget[];
}

function pushIndex<K extends keyof Named>(index: Map<string, Named>, key: string, kind: K, value: Named[K][number]): void {
  if (!key) return;
  let entry = index.get(key);
  if (!entry) index.set(key, (entry = { users: [], targets: [] }));
  const list = entry[kind] as Array<Named[K][number]>;
  if (!list.includes(value)) list.push(value);
}

/** Directory backed by one JSON file, indexed in memory for constant-time name lookups. */
export class FileDirectory implements Directory {
  readonly tenantId: string;
  readonly tenantDomain: string;
  private readonly users = new Map<string, DirectoryUser>();
  private readonly groups = new Map<string, DirectoryGroup>();
  private readonly shared = new Map<string, DirectorySharedMailbox>();
  private readonly targets = new Map<string, MailTarget>();
  private readonly byKey = new Map<string, Named>();
  private readonly usersByMail = new Map<string, DirectoryUser>();
  /** Near-name indexes, built on the first suggestion asked for (most runs never need them). */
  private near?: { users: NearNames; targets: NearNames };

  constructor(private readonly file: DirectoryFile) {
    this.tenantId = file.tenant.id;
    this.tenantDomain = file.tenant.domain;
    for (const u of file.users) {
      const user: DirectoryUser = { ...u };
      this.users.set(u.id, user);
      this.targets.set(u.id, { id: u.id, kind: 'user', displayName: u.displayName, mail: u.mail });
      this.usersByMail.set(u.mail.toLowerCase(), user);
      for (const key of nameKeys(u.displayName)) pushIndex(this.byKey, key, 'users', user);
      for (const key of mailKeys(u.mail)) pushIndex(this.byKey, key, 'users', user);
    }
    for (const g of file.groups) {
      this.groups.set(g.id, { ...g });
      this.addTarget({ id: g.id, kind: 'group', displayName: g.displayName, mail: g.mail });
    }
    for (const s of file.sharedMailboxes) {
      this.shared.set(s.id, { ...s });
      this.addTarget({ id: s.id, kind: 'shared', displayName: s.displayName, mail: s.mail });
    }
  }

  private addTarget(target: MailTarget): void {
    this.targets.set(target.id, target);
    for (const key of targetKeys(target.displayName, target.mail)) pushIndex(this.byKey, key, 'targets', target);
  }

  /** All users, for tools that need the whole list (bench, the language layer's own indexes). */
  allUsers(): DirectoryUser[] {
    return [...this.users.values()];
  }
  allTargets(): MailTarget[] {
    return [...this.targets.values()].filter((t) => t.kind !== 'user');
  }

  async getUser(id: string) {
    return this.users.get(id);
  }
  async findUserByMail(mailAddress: string) {
    return this.usersByMail.get(mailAddress.trim().toLowerCase());
  }
  /**
   * The entries of one kind under a folded key, else under the key without spaces; a copy, so callers
   * cannot change the index. `entry` is the key's entry when the caller has read it already.
   */
  private lookUp<K extends keyof Named>(key: string, kind: K, entry = this.byKey.get(key)): Named[K] {
    let list: Named[K] | undefined = entry?.[kind];
    if (!list?.length && key.includes(' ')) list = this.byKey.get(key.replace(/ /g, ''))?.[kind];
    return (list?.length ? list.slice() : []) as Named[K];
  }
  private userByMail(text: string): DirectoryUser | undefined {
    // Every mail address has an "@": names skip the mail index.
    return text.includes('@') ? this.usersByMail.get(text.trim().toLowerCase()) : undefined;
  }
  async findUsers(text: string) {
    const byMail = this.userByMail(text);
    return byMail ? [byMail] : this.lookUp(normalizeName(text), 'users');
  }
  async getTarget(id: string) {
    return this.targets.get(id);
  }
  async findTargets(text: string) {
    return this.lookUp(normalizeName(text), 'targets');
  }
  /** `findUsers` and `findTargets` at once, from one read of the index. */
  async findNamed(text: string) {
    const key = normalizeName(text);
    const entry = this.byKey.get(key);
    const byMail = this.userByMail(text);
    return { users: byMail ? [byMail] : this.lookUp(key, 'users', entry), targets: this.lookUp(key, 'targets', entry) };
  }
  /** Names close to one not found (`NearNames`): people, or mailboxes and groups (users' mailboxes among them). */
  async suggestNames(text: string, kind: 'users' | 'targets') {
    this.near ??= { users: new NearNames(this.users.values()), targets: new NearNames(this.targets.values()) };
    return this.near[kind].near(text);
  }
  async listTargets() {
    return [...this.targets.values()];
  }
  async getGroup(id: string) {
    return this.groups.get(id);
  }
  async getSharedMailbox(id: string) {
    return this.shared.get(id);
  }
  async managerOf(userId: string) {
    const managerId = this.users.get(userId)?.managerId;
    return managerId ? this.users.get(managerId) : undefined;
  }
  async ownersOf(targetId: string) {
    if (this.users.has(targetId)) return [targetId];
    return [...(this.groups.get(targetId)?.owners ?? this.shared.get(targetId)?.owners ?? [])];
  }
  async membersOf(groupId: string) {
    return [...(this.groups.get(groupId)?.members ?? [])];
  }
  async admins() {
    return [...this.file.admins];
  }
  async initialPermissions(): Promise<PermissionEntry[]> {
    return this.file.permissions.map((p) => ({ ...p }));
  }
}
