import type { FileDirectory } from '../../src/directory/file-directory.js';
import { FakeServer, type FakeAnswer, type RecordedRequest } from './fake-server.js';
import type { TokenFake } from './token-fake.js';

interface GraphUser {
  id: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  userPrincipalName: string;
  preferredLanguage: string | null;
  userType: 'Member' | 'Guest';
  accountEnabled: boolean;
  managerId?: string;
}
interface GraphGroup {
  id: string;
  displayName: string;
  mail: string;
  groupTypes: string[];
  mailEnabled: boolean;
  securityEnabled: boolean;
  owners: string[];
  members: string[];
}

const USER_SELECT = 'id,displayName,givenName,surname,mail,userPrincipalName,preferredLanguage,userType';
const GROUP_SELECT = 'id,displayName,mail,groupTypes';

/**
 * Graph's documented tokenisation for `$search` on directory objects: values split at spaces,
 * punctuation, case changes and letter/digit boundaries; a term matches a token it is a prefix of,
 * case-insensitively (and, as in Entra, accent-insensitively).
 */
export function graphTokens(value: string): string[] {
  return value
    .replace(/([\p{Ll}])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{L})(\p{N})|(\p{N})(\p{L})/gu, '$1$3 $2$4')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Microsoft Graph v1.0 users and groups, read-only, checking paths, query options and headers. */
export class GraphFake {
  readonly server: FakeServer;
  readonly users = new Map<string, GraphUser>();
  readonly groups = new Map<string, GraphGroup>();
  pageSize = 2;
  private readonly pages = new Map<string, { path: string; rest: unknown[] }>();
  private pageCount = 0;

  constructor(private readonly tokens: TokenFake, private readonly scope: string) {
    this.server = new FakeServer((r) => this.handle(r), 'graph');
  }

  get baseUrl() {
    return this.server.baseUrl;
  }
  get violations() {
    return this.server.violations;
  }
  get faults() {
    return this.server.faults;
  }
  get requests() {
    return this.server.requests;
  }
  async start() {
    await this.server.start();
    return this;
  }
  close() {
    return this.server.close();
  }

  seed(directory: FileDirectory): this {
    for (const u of directory.allUsers()) {
      const [given, ...rest] = u.displayName.split(' ');
      this.users.set(u.id, {
        id: u.id,
        displayName: u.displayName,
        givenName: given ?? null,
        surname: rest.join(' ') || null,
        mail: u.mail,
        userPrincipalName: u.mail,
        preferredLanguage: u.preferredLanguage ?? null,
        userType: u.guest ? 'Guest' : 'Member',
        accountEnabled: true,
        managerId: u.managerId,
      });
    }
    for (const t of directory.allTargets()) {
      if (t.kind === 'shared') {
        // A shared mailbox is also a (disabled) user object in Entra.
        this.users.set(t.id, { id: t.id, displayName: t.displayName, givenName: null, surname: null, mail: t.mail, userPrincipalName: t.mail, preferredLanguage: null, userType: 'Member', accountEnabled: false });
      }
    }
    return this;
  }

  async seedGroups(directory: FileDirectory): Promise<this> {
    for (const t of directory.allTargets()) {
      if (t.kind !== 'group') continue;
      const g = (await directory.getGroup(t.id))!;
      this.groups.set(g.id, { id: g.id, displayName: g.displayName, mail: g.mail, groupTypes: ['Unified'], mailEnabled: true, securityEnabled: false, owners: [...g.owners], members: [...g.members] });
    }
    // A security group with the same kind of name must never come back as a target.
    this.groups.set('sec-1', { id: 'sec-1', displayName: 'Fixture Team Admins', mail: 'fixtureteamadmins@fixture.example', groupTypes: [], mailEnabled: false, securityEnabled: true, owners: [], members: [] });
    return this;
  }

  private handle(request: RecordedRequest): FakeAnswer {
    const fail = (message: string) => this.server.violation(message);
    if (request.method !== 'GET') return fail(`method ${request.method}`);
    if (this.tokens.scopeOf(request.headers.authorization) !== this.scope) {
      return { status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' } } };
    }
    const q = request.url.searchParams;
    const skiptoken = q.get('$skiptoken');
    if (skiptoken) {
      const page = this.pages.get(skiptoken);
      if (!page || page.path !== request.path) return fail(`unknown $skiptoken ${skiptoken}`);
      this.pages.delete(skiptoken);
      return this.collection(request, page.rest);
    }
    const search = q.get('$search');
    const filter = q.get('$filter');
    if ((search || q.get('$count')) && request.headers.consistencylevel !== 'eventual') return fail('$search/$count without ConsistencyLevel: eventual');
    for (const key of q.keys()) if (!['$select', '$search', '$filter', '$top', '$count'].includes(key)) return fail(`query option ${key}`);
    const parts = request.path.split('/').slice(1).map(decodeURIComponent);
    if (parts[0] !== 'v1.0') return fail(`path ${request.path}`);
    const [, collection, id, nav, cast] = parts;
    const notFound = () => ({ status: 404, body: { error: { code: 'Request_ResourceNotFound', message: `Resource '${id}' does not exist or one of its queried reference-property objects are not present.` } } });

    if (collection === 'users') {
      if (q.get('$select') !== USER_SELECT) return fail(`users $select ${q.get('$select')}`);
      if (id === undefined) {
        let list = [...this.users.values()];
        if (search) {
          const clauses = parseSearch(search);
          if (!clauses || !clauses.every((c) => ['displayName', 'givenName', 'surname', 'mail', 'userPrincipalName'].includes(c.property))) return fail(`users $search ${search}`);
          list = list.filter((u) => clauses.some((c) => matches((u as unknown as Record<string, string | null>)[c.property], c.term)));
        }
        if (filter) {
          const mail = /^mail eq '((?:[^']|'')*)' or userPrincipalName eq '((?:[^']|'')*)'$/.exec(filter);
          if (!mail || mail[1] !== mail[2]) return fail(`users $filter ${filter}`);
          const wanted = mail[1]!.replace(/''/g, "'").toLowerCase();
          list = list.filter((u) => u.mail?.toLowerCase() === wanted || u.userPrincipalName.toLowerCase() === wanted);
        }
        return this.collection(request, list.map(userView));
      }
      const user = this.users.get(id);
      if (!user) return notFound();
      if (nav === undefined) return { status: 200, body: { '@odata.context': `${this.baseUrl}/v1.0/$metadata#users/$entity`, ...userView(user) } };
      if (nav === 'manager' && cast === undefined) {
        const manager = user.managerId ? this.users.get(user.managerId) : undefined;
        if (!manager) return { status: 404, body: { error: { code: 'Request_ResourceNotFound', message: `Resource 'manager' does not exist or one of its queried reference-property objects are not present.` } } };
        return { status: 200, body: { '@odata.type': '#microsoft.graph.user', ...userView(manager) } };
      }
      return fail(`path ${request.path}`);
    }
    if (collection === 'groups') {
      if (id === undefined) {
        if (q.get('$select') !== GROUP_SELECT) return fail(`groups $select ${q.get('$select')}`);
        if (filter !== "groupTypes/any(c:c eq 'Unified')") return fail(`groups $filter ${filter}`);
        let list = [...this.groups.values()].filter((g) => g.groupTypes.includes('Unified'));
        if (search) {
          const clauses = parseSearch(search);
          if (!clauses || !clauses.every((c) => ['displayName', 'mail'].includes(c.property))) return fail(`groups $search ${search}`);
          list = list.filter((g) => clauses.some((c) => matches((g as unknown as Record<string, string>)[c.property], c.term)));
        }
        return this.collection(request, list.map(groupView));
      }
      const group = this.groups.get(id);
      if (!group) return notFound();
      if (nav === undefined) {
        if (q.get('$select') !== GROUP_SELECT) return fail(`group $select ${q.get('$select')}`);
        return { status: 200, body: groupView(group) };
      }
      if ((nav === 'owners' || nav === 'members') && cast === 'microsoft.graph.user') {
        if (q.get('$select') !== 'id') return fail(`${nav} $select ${q.get('$select')}`);
        return this.collection(request, group[nav].map((m) => ({ '@odata.type': '#microsoft.graph.user', id: m })));
      }
      return fail(`path ${request.path}`);
    }
    return fail(`path ${request.path}`);
  }

  private collection(request: RecordedRequest, items: unknown[]): FakeAnswer {
    const top = Number(request.url.searchParams.get('$top') ?? '100');
    const size = Math.min(this.pageSize, top);
    const body: Record<string, unknown> = { '@odata.context': `${this.baseUrl}/v1.0/$metadata#collection`, value: items.slice(0, size) };
    if (items.length > size) {
      const token = `g${++this.pageCount}`;
      this.pages.set(token, { path: request.path, rest: items.slice(size) });
      const next = new URL(request.url.toString());
      next.searchParams.set('$skiptoken', token);
      body['@odata.nextLink'] = next.toString();
    }
    return { status: 200, body };
  }
}

function userView(u: GraphUser) {
  return { id: u.id, displayName: u.displayName, givenName: u.givenName, surname: u.surname, mail: u.mail, userPrincipalName: u.userPrincipalName, preferredLanguage: u.preferredLanguage, userType: u.userType };
}
function groupView(g: GraphGroup) {
  return { id: g.id, displayName: g.displayName, mail: g.mail, groupTypes: g.groupTypes };
}

/** `"prop:term" OR "prop:term"`; undefined when the syntax is off. */
function parseSearch(search: string): { property: string; term: string }[] | undefined {
  const clause = /"(\w+):([^"\\]*)"/y;
  const out: { property: string; term: string }[] = [];
  let index = 0;
  for (;;) {
    clause.lastIndex = index;
    const m = clause.exec(search);
    if (!m) return undefined;
    out.push({ property: m[1]!, term: m[2]! });
    index = clause.lastIndex;
    if (index === search.length) return out;
    if (!search.startsWith(' OR ', index)) return undefined;
    index += 4;
  }
}

function matches(value: string | null | undefined, term: string): boolean {
  if (!value) return false;
  const tokens = graphTokens(value);
  const wanted = graphTokens(term);
  return wanted.length > 0 && wanted.every((w) => tokens.some((t) => t.startsWith(w)));
}
