import type { Config } from '../config.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { BotError, isBotError } from '../domain/errors.js';
import { createTokenProvider, requireAppIdentity, type TokenProvider } from '../permissions/azure-token.js';
import { resolveEndpoints } from '../permissions/clouds.js';
import { createExchangeAdminApi, type ExchangeAdminApi, type ExchangeDeps } from '../permissions/exchange-admin-api.js';
import { ExchangePermissionService } from '../permissions/exchange.js';
import { RetryingHttp, trustedHostCheck, type HttpDeps } from '../permissions/http-retry.js';
import { isMailAddress } from '../permissions/validate.js';
import type {
  Directory,
  DirectoryGroup,
  DirectorySharedMailbox,
  DirectoryUser,
  MailTarget,
  PermissionEntry,
} from './directory.js';
import { NearNames, type NamedEntry } from './near-names.js';
import { mailKeys, nameKeys, normalizeName, targetKeys } from './normalize.js';

const USER_SELECT = 'id,displayName,givenName,surname,mail,userPrincipalName,preferredLanguage,userType';
const GROUP_SELECT = 'id,displayName,mail,groupTypes';
const UNIFIED = "groupTypes/any(c:c eq 'Unified')";
const SEARCH_PROPERTIES = ['displayName', 'givenName', 'surname', 'mail'] as const;
/** Entra object ids and the ids tests use: letters, digits, dashes; nothing that could change the path. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

interface GraphUser {
  id: string;
  displayName?: string | null;
  givenName?: string | null;
  surname?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  preferredLanguage?: string | null;
  userType?: string | null;
}
interface GraphGroup {
  id: string;
  displayName?: string | null;
  mail?: string | null;
  groupTypes?: string[];
}

export interface GraphDirectoryOptions {
  tenantId: string;
  tenantDomain: string;
  graphBaseUrl: string;
  graphScope: string;
  graphHost: string;
  tokens: TokenProvider;
  http: RetryingHttp;
  /** Shared mailboxes come from Exchange (RecipientTypeDetails SharedMailbox). */
  exchange: ExchangeAdminApi;
  clock?: Clock;
  /** How long answers are reused (default 5 minutes). */
  cacheTtlMs?: number;
  admins?: string[];
}

/**
 * Directory on Microsoft Graph (users, managers, Microsoft 365 groups) and Exchange Online (shared
 * mailboxes). Lookups by text use `$search` (ConsistencyLevel: eventual) to find candidates, then
 * apply the same normalised matching as the file directory, so both pass one contract.
 *
 * A shared mailbox's owners are the people holding Full Access on it (Exchange has no owner
 * attribute for mailboxes; Full Access holders are who manage a shared mailbox in practice).
 */
export class GraphDirectory implements Directory {
  readonly tenantId: string;
  readonly tenantDomain: string;
  private readonly clock: Clock;
  private readonly ttl: number;
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();
  private readonly allowNext: (url: URL) => boolean;
  private readonly permissions: ExchangePermissionService;

  constructor(private readonly options: GraphDirectoryOptions) {
    this.tenantId = options.tenantId;
    this.tenantDomain = options.tenantDomain;
    this.clock = options.clock ?? systemClock;
    this.ttl = options.cacheTtlMs ?? 5 * 60_000;
    this.allowNext = trustedHostCheck(options.graphBaseUrl, options.graphHost);
    this.permissions = new ExchangePermissionService(options.exchange, { clock: this.clock });
  }

  // --- users -------------------------------------------------------------------------------

  async getUser(id: string): Promise<DirectoryUser | undefined> {
    if (!SAFE_ID.test(id)) return undefined;
    if ((await this.sharedById()).has(id)) return undefined;
    const user = await this.cached(`user:${id}`, () => this.getOrUndefined<GraphUser>(`/users/${encodeURIComponent(id)}?$select=${USER_SELECT}`));
    return user ? this.toUser(user) : undefined;
  }

  async findUserByMail(mail: string): Promise<DirectoryUser | undefined> {
    const wanted = mail.trim().toLowerCase();
    if (!isMailAddress(wanted)) return undefined;
    const users = await this.cached(`mail:${wanted}`, () => {
      const literal = `'${wanted.replace(/'/g, "''")}'`; // OData string literal
      return this.collect<GraphUser>(`/users?$filter=${encodeURIComponent(`mail eq ${literal} or userPrincipalName eq ${literal}`)}&$select=${USER_SELECT}`, 10);
    });
    const shared = await this.sharedById();
    const user = users.find((u) => !shared.has(u.id) && (u.mail?.toLowerCase() === wanted || u.userPrincipalName?.toLowerCase() === wanted));
    return user ? this.toUser(user) : undefined;
  }

  async findUsers(text: string): Promise<DirectoryUser[]> {
    if (typeof text !== 'string' || text.length > 256) return [];
    const byMail = text.includes('@') ? await this.findUserByMail(text) : undefined;
    if (byMail) return [byMail];
    const key = normalizeName(text);
    if (!key) return [];
    const terms = searchTerms(text, key);
    if (!terms.length) return [];
    const search = terms.flatMap((t) => SEARCH_PROPERTIES.map((p) => `"${p}:${t}"`)).join(' OR ');
    const found = await this.cached(`search-users:${search}`, () =>
      this.collect<GraphUser>(`/users?$search=${encodeURIComponent(search)}&$select=${USER_SELECT}&$top=50`, 200),
    );
    const shared = await this.sharedById();
    const compact = key.replace(/ /g, '');
    const matches = found.filter((u) => {
      if (shared.has(u.id)) return false;
      const keys = new Set([...nameKeys(u.displayName ?? ''), ...mailKeys(u.mail ?? '')]);
      for (const part of [u.givenName, u.surname]) if (part) keys.add(normalizeName(part));
      return keys.has(key) || keys.has(compact);
    });
    const unique = new Map(matches.map((u) => [u.id, u]));
    return Promise.all([...unique.values()].map((u) => this.toUser(u)));
  }

  async managerOf(userId: string): Promise<DirectoryUser | undefined> {
    if (!SAFE_ID.test(userId)) return undefined;
    const manager = await this.manager(userId);
    return manager ? this.toUser(manager) : undefined;
  }

  // --- targets -----------------------------------------------------------------------------

  async getTarget(id: string): Promise<MailTarget | undefined> {
    if (!SAFE_ID.test(id)) return undefined;
    const shared = (await this.sharedById()).get(id);
    if (shared) return { id: shared.id, kind: 'shared', displayName: shared.displayName, mail: shared.mail };
    const group = await this.graphGroup(id);
    if (group) return { id: group.id, kind: 'group', displayName: group.displayName ?? '', mail: group.mail ?? '' };
    const user = await this.getUser(id);
    return user ? { id: user.id, kind: 'user', displayName: user.displayName, mail: user.mail } : undefined;
  }

  async findTargets(text: string): Promise<MailTarget[]> {
    if (typeof text !== 'string' || text.length > 256) return [];
    const key = normalizeName(text);
    if (!key) return [];
    const compact = key.replace(/ /g, '');
    const matchesKey = (displayName: string, mail: string) => {
      const keys = targetKeys(displayName, mail);
      return keys.includes(key) || keys.includes(compact);
    };
    const out: MailTarget[] = [];
    for (const s of (await this.sharedById()).values()) if (matchesKey(s.displayName, s.mail)) out.push({ id: s.id, kind: 'shared', displayName: s.displayName, mail: s.mail });
    const terms = searchTerms(text, key);
    if (terms.length) {
      const search = terms.flatMap((t) => [`"displayName:${t}"`, `"mail:${t}"`]).join(' OR ');
      const groups = await this.cached(`search-groups:${search}`, () =>
        this.collect<GraphGroup>(`/groups?$search=${encodeURIComponent(search)}&$filter=${encodeURIComponent(UNIFIED)}&$select=${GROUP_SELECT}&$top=50`, 200),
      );
      for (const g of groups) {
        if (g.groupTypes?.includes('Unified') && matchesKey(g.displayName ?? '', g.mail ?? '')) out.push({ id: g.id, kind: 'group', displayName: g.displayName ?? '', mail: g.mail ?? '' });
      }
    }
    return out;
  }

  /**
   * Names close to one not found (`NearNames`), among the people (and for `targets` the Microsoft 365
   * groups) Graph finds by the first 3 letters of up to 3 typed words (`$search` matches word starts),
   * and every shared mailbox. So a typo in a word's first 3 letters ("Mgean") finds nothing here, and
   * a start shared by more than 200 entries is judged on the first 200 Graph returns.
   */
  async suggestNames(text: string, kind: 'users' | 'targets'): Promise<string[]> {
    if (typeof text !== 'string' || text.length > 256) return [];
    const words = normalizeName(text).replace(/[@.]/g, ' ').split(' ').filter((w) => w.length >= 3);
    const starts = [...new Set(words.map((w) => w.slice(0, 3)))].slice(0, 3);
    if (!starts.length) return [];
    const search = starts.map((start) => `"displayName:${start}"`).join(' OR ');
    const shared = await this.sharedById();
    const users = await this.cached(`search-users:${search}`, () =>
      this.collect<GraphUser>(`/users?$search=${encodeURIComponent(search)}&$select=${USER_SELECT}&$top=50`, 200),
    );
    const named: NamedEntry[] = users.filter((u) => !shared.has(u.id)).map((u) => ({ id: u.id, displayName: u.displayName ?? '' }));
    if (kind === 'targets') {
      const groups = await this.cached(`search-groups:${search}`, () =>
        this.collect<GraphGroup>(`/groups?$search=${encodeURIComponent(search)}&$filter=${encodeURIComponent(UNIFIED)}&$select=${GROUP_SELECT}&$top=50`, 200),
      );
      for (const g of groups) if (g.groupTypes?.includes('Unified')) named.push({ id: g.id, displayName: g.displayName ?? '' });
      for (const s of shared.values()) named.push({ id: s.id, displayName: s.displayName });
    }
    return new NearNames(named).near(text);
  }

  async getGroup(id: string): Promise<DirectoryGroup | undefined> {
    const group = SAFE_ID.test(id) ? await this.graphGroup(id) : undefined;
    if (!group) return undefined;
    const [owners, members] = await Promise.all([this.groupLinks(id, 'owners'), this.groupLinks(id, 'members')]);
    return { id: group.id, displayName: group.displayName ?? '', mail: group.mail ?? '', owners, members };
  }

  async getSharedMailbox(id: string): Promise<DirectorySharedMailbox | undefined> {
    const shared = (await this.sharedById()).get(id);
    if (!shared) return undefined;
    return { ...shared, owners: await this.sharedOwners(shared) };
  }

  async ownersOf(targetId: string): Promise<string[]> {
    const target = await this.getTarget(targetId);
    if (!target) return [];
    if (target.kind === 'user') return [target.id];
    if (target.kind === 'group') return this.groupLinks(target.id, 'owners');
    return this.sharedOwners(target);
  }

  async membersOf(groupId: string): Promise<string[]> {
    if (!SAFE_ID.test(groupId) || !(await this.graphGroup(groupId))) return [];
    return this.groupLinks(groupId, 'members');
  }

  async listTargets(): Promise<MailTarget[]> {
    return this.cached('all-targets', async () => {
      const shared = await this.sharedById();
      const [users, groups] = await Promise.all([
        this.collect<GraphUser>(`/users?$select=${USER_SELECT}&$top=999`, 1_000_000),
        this.collect<GraphGroup>(`/groups?$filter=${encodeURIComponent(UNIFIED)}&$select=${GROUP_SELECT}&$top=999`, 1_000_000),
      ]);
      const out: MailTarget[] = [];
      for (const u of users) if (!shared.has(u.id) && (u.mail || u.userPrincipalName)) out.push({ id: u.id, kind: 'user', displayName: u.displayName ?? '', mail: (u.mail ?? u.userPrincipalName)! });
      for (const s of shared.values()) out.push({ id: s.id, kind: 'shared', displayName: s.displayName, mail: s.mail });
      for (const g of groups) if (g.groupTypes?.includes('Unified') && g.mail) out.push({ id: g.id, kind: 'group', displayName: g.displayName ?? '', mail: g.mail });
      return out;
    });
  }

  async admins(): Promise<string[]> {
    return [...(this.options.admins ?? [])];
  }

  /** Exchange is the source of truth for rights already in place; nothing is seeded from Graph. */
  async initialPermissions(): Promise<PermissionEntry[]> {
    return [];
  }

  // --- plumbing ----------------------------------------------------------------------------

  /** A Graph user as a DirectoryUser; the manager id costs one (cached) call, shared with managerOf. */
  private async toUser(u: GraphUser): Promise<DirectoryUser> {
    const user: DirectoryUser = { id: u.id, displayName: u.displayName ?? u.userPrincipalName ?? u.id, mail: u.mail ?? u.userPrincipalName ?? '' };
    if (u.preferredLanguage) user.preferredLanguage = u.preferredLanguage;
    if (u.userType === 'Guest') user.guest = true;
    const manager = await this.manager(u.id);
    if (manager) user.managerId = manager.id;
    return user;
  }

  /** The manager when it is a user (a manager can also be an organisational contact). */
  private manager(userId: string): Promise<GraphUser | undefined> {
    return this.cached(`manager:${userId}`, async () => {
      const manager = await this.getOrUndefined<GraphUser & { '@odata.type'?: string }>(`/users/${encodeURIComponent(userId)}/manager?$select=${USER_SELECT}`);
      return manager && (!manager['@odata.type'] || manager['@odata.type'] === '#microsoft.graph.user') ? manager : undefined;
    });
  }

  private graphGroup(id: string): Promise<GraphGroup | undefined> {
    return this.cached(`group:${id}`, async () => {
      const group = await this.getOrUndefined<GraphGroup>(`/groups/${encodeURIComponent(id)}?$select=${GROUP_SELECT}`);
      // Only Microsoft 365 groups carry mailbox rights; security groups are not targets.
      return group?.groupTypes?.includes('Unified') ? group : undefined;
    });
  }

  private async groupLinks(id: string, link: 'owners' | 'members'): Promise<string[]> {
    const rows = await this.cached(`${link}:${id}`, () => this.collect<{ id: string }>(`/groups/${encodeURIComponent(id)}/${link}/microsoft.graph.user?$select=id&$top=999`, 100_000));
    return rows.map((r) => r.id);
  }

  private sharedById(): Promise<Map<string, { id: string; displayName: string; mail: string }>> {
    return this.cached('shared', async () => {
      try {
        const { value } = await this.options.exchange.invoke('Get-Mailbox', { RecipientTypeDetails: 'SharedMailbox', ResultSize: 'Unlimited' });
        const map = new Map<string, { id: string; displayName: string; mail: string }>();
        for (const row of value) {
          const id = typeof row.ExternalDirectoryObjectId === 'string' ? row.ExternalDirectoryObjectId : '';
          if (id) map.set(id, { id, displayName: String(row.DisplayName ?? ''), mail: String(row.PrimarySmtpAddress ?? '') });
        }
        return map;
      } catch (error) {
        throw unavailable('Exchange (shared mailboxes)', error);
      }
    });
  }

  private sharedOwners(shared: { id: string; mail: string }): Promise<string[]> {
    return this.cached(`shared-owners:${shared.id}`, async () => {
      try {
        const delegates = await this.permissions.listDelegates({ id: shared.id, kind: 'shared', mail: shared.mail }, 'FullAccess');
        return delegates.map((d) => d.trusteeId);
      } catch (error) {
        throw unavailable('Exchange (shared mailbox owners)', error);
      }
    });
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < this.ttl) return hit.value as Promise<T>;
    const value = load();
    this.cache.set(key, { at: now, value });
    // Failures are not remembered: the next call tries again.
    value.catch(() => {
      if (this.cache.get(key)?.value === value) this.cache.delete(key);
    });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }

  private async request(pathOrUrl: string): Promise<{ status: number; json: Record<string, unknown> }> {
    const url = pathOrUrl.startsWith('/') ? `${this.options.graphBaseUrl}/v1.0${pathOrUrl}` : pathOrUrl;
    let answer;
    try {
      answer = await this.options.http.send({
        method: 'GET',
        url,
        headers: async () => ({
          Authorization: `Bearer ${await this.options.tokens.getToken(this.options.graphScope)}`,
          Accept: 'application/json',
          ...(url.includes('$search') || url.includes('$filter=mail') ? { ConsistencyLevel: 'eventual' } : {}),
        }),
        unavailableCode: 'directory_unavailable',
        allowRedirect: this.allowNext,
        describe: 'Microsoft Graph',
      });
    } catch (error) {
      throw unavailable('Microsoft Graph', error);
    }
    if (answer.status === 404) return { status: 404, json: {} };
    let json: Record<string, unknown> = {};
    try {
      json = answer.text ? (JSON.parse(answer.text) as Record<string, unknown>) : {};
    } catch (cause) {
      throw new BotError('directory_unavailable', `Microsoft Graph answered HTTP ${answer.status} with invalid JSON`, { cause, details: { status: answer.status } });
    }
    if (answer.status < 200 || answer.status >= 300) {
      const error = (json.error ?? {}) as { code?: string; message?: string };
      const hint = answer.status === 401 || answer.status === 403 ? ' (check the app registration: User.Read.All, GroupMember.Read.All, admin consent)' : '';
      throw new BotError('directory_unavailable', `Microsoft Graph answered HTTP ${answer.status} ${error.code ?? ''}: ${error.message ?? ''}${hint}`, {
        details: { status: answer.status, graphCode: error.code },
      });
    }
    return { status: answer.status, json };
  }

  private async getOrUndefined<T>(path: string): Promise<T | undefined> {
    const { status, json } = await this.request(path);
    return status === 404 ? undefined : (json as T);
  }

  /** A collection, following `@odata.nextLink` up to `max` items. */
  private async collect<T>(path: string, max: number): Promise<T[]> {
    const out: T[] = [];
    let next: string | undefined = path;
    while (next && out.length < max) {
      const { status, json } = await this.request(next);
      if (status === 404) return out;
      if (Array.isArray(json.value)) out.push(...(json.value as T[]));
      const link = json['@odata.nextLink'];
      next = undefined;
      if (typeof link === 'string' && link) {
        const url = new URL(link);
        if (!this.allowNext(url)) throw new BotError('directory_unavailable', `Microsoft Graph returned a next link to an untrusted host ${url.origin}`);
        next = url.toString();
      }
    }
    return out.slice(0, max);
  }
}

function unavailable(what: string, error: unknown): BotError {
  if (isBotError(error, 'directory_unavailable')) return error;
  const details = isBotError(error) ? error.details : {};
  return new BotError('directory_unavailable', `${what} cannot be reached: ${error instanceof Error ? error.message : String(error)}`, { cause: error, details });
}


/**
 * What to `$search` for: the text itself and its folded form, and for one-word texts the word without
 * its first one or two letters. Graph tokenises "O'Brien" as "o" + "brien", so "obrien" alone would
 * miss it; "brien" finds it and the local match then checks the whole name.
 */
export function searchTerms(text: string, key: string): string[] {
  const clean = (s: string) => s.replace(/["\\]/g, ' ').replace(/\s+/g, ' ').trim();
  const terms = new Set<string>();
  for (const t of [clean(text), clean(key.replace(/[@.]/g, ' '))]) if (t) terms.add(t);
  if (!key.includes(' ') && !key.includes('@') && key.length >= 4) {
    terms.add(key.slice(1));
    terms.add(key.slice(2));
  }
  return [...terms].filter((t) => t.length <= 100).slice(0, 5);
}

/** `DIRECTORY=graph`: users and groups from Microsoft Graph, shared mailboxes from Exchange Online. */
export function createGraphDirectory(config: Config, deps: ExchangeDeps & { clock?: Clock; exchange?: ExchangeAdminApi } = {}): GraphDirectory {
  const { tenantId } = requireAppIdentity(config, 'DIRECTORY=graph');
  if (!config.EXCHANGE_ORGANIZATION) throw new BotError('config_invalid', 'DIRECTORY=graph needs EXCHANGE_ORGANIZATION (the tenant domain, e.g. contoso.onmicrosoft.com)');
  const resolved = resolveEndpoints(config);
  const tokens = deps.tokens ?? createTokenProvider(config, deps);
  return new GraphDirectory({
    tenantId,
    tenantDomain: config.EXCHANGE_ORGANIZATION,
    graphBaseUrl: resolved.graphBaseUrl,
    graphScope: resolved.graphScope,
    graphHost: resolved.endpoints.graphHost,
    tokens,
    http: new RetryingHttp(deps as HttpDeps, { timeoutMs: config.EXCHANGE_REQUEST_TIMEOUT }),
    exchange: deps.exchange ?? createExchangeAdminApi(config, { ...deps, tokens }),
    clock: deps.clock,
    admins: config.BOT_ADMINS,
  });
}
