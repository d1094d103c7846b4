import type { Right, TargetKind } from '../domain/rights.js';

/** A person in the tenant. `id` is the Entra object id (Teams: `from.aadObjectId`). */
export interface DirectoryUser {
  id: string;
  displayName: string;
  mail: string;
  managerId?: string;
  /** BCP 47 tag such as `en-US` or `nl-NL`. */
  preferredLanguage?: string;
  /** Guest accounts cannot receive group rights. */
  guest?: boolean;
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
  mail: string;
  owners: string[];
  members: string[];
}

export interface DirectorySharedMailbox {
  id: string;
  displayName: string;
  mail: string;
  owners: string[];
}

/** Anything a right can be granted on: a user's own mailbox, a shared mailbox or a Microsoft 365 group. */
export interface MailTarget {
  id: string;
  kind: TargetKind;
  displayName: string;
  mail: string;
}

/** A right present at start (file directory) or read from the tenant. */
export interface PermissionEntry {
  target: string;
  trustee: string;
  right: Right;
}

/**
 * Read-only view of the tenant's people, groups and shared mailboxes.
 *
 * Implementations: `FileDirectory` (a JSON file, SPEC directory format) and the
 * Microsoft Graph directory. Every implementation passes `test/directory/directory-contract.ts`.
 *
 * Lookups by text are case-, diacritic- and punctuation-insensitive (`Zoe` finds `Zoë`,
 * `obrien` finds `O'Brien`) and never throw for unknown input: they return `[]`/`undefined`.
 * Errors reaching the backing system throw `BotError('directory_unavailable')`.
 */
export interface Directory {
  /** The tenant this directory describes; activities from other tenants are refused. */
  readonly tenantId: string;
  readonly tenantDomain: string;

  getUser(id: string): Promise<DirectoryUser | undefined>;
  /** By primary mail address (case-insensitive). */
  findUserByMail(mail: string): Promise<DirectoryUser | undefined>;
  /**
   * People whose display name, first name, last name, full name or mail (or mail local part)
   * equals `text` after normalisation. Several results mean the text is ambiguous.
   */
  findUsers(text: string): Promise<DirectoryUser[]>;

  /** A target by id: a user id means that user's mailbox. */
  getTarget(id: string): Promise<MailTarget | undefined>;
  /** Groups and shared mailboxes whose display name or mail (or local part) equals `text` after normalisation. */
  findTargets(text: string): Promise<MailTarget[]>;
  /**
   * Optional: `findUsers(text)` and `findTargets(text)` in one call, exactly as those two would answer,
   * for directories that can read both from one index (the language layer asks both for every name).
   */
  findNamed?(text: string): Promise<{ users: DirectoryUser[]; targets: MailTarget[] }>;
  /**
   * Optional: the ids of at most 3 names close to `text`, a name that `findUsers` (`kind` `users`) or
   * `findTargets` (`targets`: groups, shared mailboxes and users' mailboxes) did not find: a typo
   * ("Trainig") or the start of a word ("Sales" of "Sales Benelux"), closest first; `[]` when none is
   * close. Only offered to the person to pick from ("Did you mean …?"), never acted on. Directories
   * without it offer nothing.
   */
  suggestNames?(text: string, kind: 'users' | 'targets'): Promise<string[]>;

  getGroup(id: string): Promise<DirectoryGroup | undefined>;
  getSharedMailbox(id: string): Promise<DirectorySharedMailbox | undefined>;
  /** The user's manager, if any. */
  managerOf(userId: string): Promise<DirectoryUser | undefined>;
  /** Owners of a group or shared mailbox; for a user mailbox, the user. */
  ownersOf(targetId: string): Promise<string[]>;
  /** Members of a group; `[]` for anything else. */
  membersOf(groupId: string): Promise<string[]>;
  /**
   * Every mailbox and group a right could be held on (users' mailboxes, shared mailboxes, groups),
   * for "what can Y access". May be large; implementations page and cache.
   */
  listTargets(): Promise<MailTarget[]>;
  /** The bot's admins as the directory knows them (BOT_ADMINS may override). */
  admins(): Promise<string[]>;
  /** Rights already in place when the directory was loaded (used to seed the simulated service). */
  initialPermissions(): Promise<PermissionEntry[]>;
}
