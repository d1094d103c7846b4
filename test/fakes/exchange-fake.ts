import type { FileDirectory } from '../../src/directory/file-directory.js';
import { FakeServer, type FakeAnswer, type RecordedRequest } from './fake-server.js';
import type { TokenFake } from './token-fake.js';

const ANCHOR = 'APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@';
const SELF = 'NT AUTHORITY\\SELF';
const SERVER = 'AM0PR01A001DC01.EURPR01A001.prod.outlook.com';

export type RecipientTypeDetails = 'UserMailbox' | 'SharedMailbox' | 'GroupMailbox' | 'GuestMailUser';

export interface FakeRecipient {
  id: string;
  name: string;
  displayName: string;
  mail: string;
  type: RecipientTypeDetails;
  members?: string[];
}
interface MailboxAce {
  user: string;
  rights: string[];
  inherited: boolean;
  deny: boolean;
  autoMapping?: boolean;
}
interface RecipientAce {
  trustee: string;
  type: 'Allow' | 'Deny';
  inherited: boolean;
}
export interface CmdletCall {
  cmdlet: string;
  parameters: Record<string, unknown>;
}

type Params = Record<string, unknown>;
interface CmdletSpec {
  required: string[];
  optional: string[];
  run: (p: Params) => { value?: unknown[]; warnings?: string[] } | FakeAnswer;
}

const isAnswer = (x: unknown): x is FakeAnswer => typeof x === 'object' && x !== null && 'status' in x;

/**
 * Exchange Online admin API (`POST /adminapi/beta/{tenant}/InvokeCommand`) with state: mailbox
 * permissions, recipient permissions and GrantSendOnBehalfTo lists. Checks every request's method,
 * path, headers and parameter shapes; answers in the real shapes (paging, warnings, errors).
 */
export class ExchangeFake {
  readonly primary: FakeServer;
  /** A second region: when `redirect` is on, the primary answers 302 to it. */
  readonly regional: FakeServer;
  redirect = false;
  /** Objects per page before `@odata.nextLink`. */
  pageSize = 2;
  /** Reads answer as if the last writes had not replicated yet (eventual consistency). */
  staleReads = false;
  readonly calls: CmdletCall[] = [];
  readonly recipients: FakeRecipient[] = [];
  readonly mailboxAces = new Map<string, MailboxAce[]>();
  readonly recipientAces = new Map<string, RecipientAce[]>();
  readonly sendOnBehalf = new Map<string, string[]>();
  private readonly pages = new Map<string, { body: string; rest: unknown[]; warnings: string[] }>();
  private pageCount = 0;
  private readonly cmdlets: Record<string, CmdletSpec>;

  constructor(readonly tenantId: string, private readonly tokens: TokenFake, private readonly scope: string) {
    this.primary = new FakeServer((r) => this.handle(r, this.primary, true), 'exchange');
    this.regional = new FakeServer((r) => this.handle(r, this.regional, false), 'exchange-regional');
    this.cmdlets = this.defineCmdlets();
  }

  get baseUrl() {
    return this.primary.baseUrl;
  }
  get violations() {
    return [...this.primary.violations, ...this.regional.violations];
  }
  get faults() {
    return this.primary.faults;
  }
  async start() {
    await this.primary.start();
    await this.regional.start();
    return this;
  }
  async close() {
    await this.primary.close();
    await this.regional.close();
  }

  // --- state -------------------------------------------------------------------------------

  add(recipient: FakeRecipient): void {
    this.recipients.push(recipient);
    if (recipient.type === 'UserMailbox' || recipient.type === 'SharedMailbox') {
      // Every mailbox has SELF entries and inherited ones; listings must leave them out.
      this.mailboxAces.set(recipient.id, [
        { user: SELF, rights: ['FullAccess', 'ReadPermission'], inherited: false, deny: false },
        { user: 'NAMPR01A001\\Administrator', rights: ['FullAccess'], inherited: true, deny: true },
        { user: 'NAMPR01A001\\Organization Management', rights: ['FullAccess'], inherited: true, deny: false },
      ]);
      this.recipientAces.set(recipient.id, [{ trustee: SELF, type: 'Allow', inherited: false }]);
    }
    if (recipient.type === 'GroupMailbox') this.recipientAces.set(recipient.id, []);
    if (recipient.type !== 'GuestMailUser') this.sendOnBehalf.set(recipient.id, []);
  }

  /** Users, groups (with members), shared mailboxes and initialPermissions() of a file directory. */
  async seed(directory: FileDirectory): Promise<this> {
    for (const u of directory.allUsers()) {
      this.add({ id: u.id, name: u.mail.split('@')[0]!, displayName: u.displayName, mail: u.mail, type: u.guest ? 'GuestMailUser' : 'UserMailbox' });
    }
    for (const t of directory.allTargets()) {
      if (t.kind === 'group') {
        const g = (await directory.getGroup(t.id))!;
        this.add({ id: t.id, name: `${t.mail.split('@')[0]}_${t.id.slice(-6)}`, displayName: t.displayName, mail: t.mail, type: 'GroupMailbox', members: [...g.members] });
      } else {
        this.add({ id: t.id, name: t.mail.split('@')[0]!, displayName: t.displayName, mail: t.mail, type: 'SharedMailbox' });
      }
    }
    for (const p of await directory.initialPermissions()) this.setRight(p.target, p.trustee, p.right, true);
    return this;
  }

  /** Direct state change (seeding, or simulating an admin's change outside the bot). */
  setRight(targetId: string, trusteeId: string, right: string, present: boolean): void {
    const trustee = this.recipients.find((r) => r.id === trusteeId)!;
    if (right === 'FullAccess') {
      const aces = this.mailboxAces.get(targetId)!.filter((a) => !(a.user === trustee.mail && !a.inherited && !a.deny));
      if (present) aces.push({ user: trustee.mail, rights: ['FullAccess'], inherited: false, deny: false });
      this.mailboxAces.set(targetId, aces);
    } else if (right === 'SendAs') {
      const aces = this.recipientAces.get(targetId)!.filter((a) => a.trustee !== trustee.mail);
      if (present) aces.push({ trustee: trustee.mail, type: 'Allow', inherited: false });
      this.recipientAces.set(targetId, aces);
    } else {
      const names = this.sendOnBehalf.get(targetId)!.filter((n) => n !== trustee.name);
      if (present) names.push(trustee.name);
      this.sendOnBehalf.set(targetId, names);
    }
  }

  /** What Exchange holds, as `trusteeId:right` strings, for assertions. */
  rightsOn(targetId: string): string[] {
    const byMail = (mail: string) => this.recipients.find((r) => r.mail === mail)?.id;
    const out: string[] = [];
    for (const a of this.mailboxAces.get(targetId) ?? []) if (!a.inherited && !a.deny && a.user !== SELF) out.push(`${byMail(a.user) ?? a.user}:FullAccess`);
    for (const a of this.recipientAces.get(targetId) ?? []) if (a.trustee !== SELF) out.push(`${byMail(a.trustee) ?? a.trustee}:SendAs`);
    for (const n of this.sendOnBehalf.get(targetId) ?? []) out.push(`${this.recipients.find((r) => r.name === n)?.id ?? n}:SendOnBehalf`);
    return out.sort();
  }

  autoMappingOf(targetId: string, mail: string): boolean | undefined {
    return this.mailboxAces.get(targetId)?.find((a) => a.user === mail && !a.inherited)?.autoMapping;
  }

  // --- protocol ----------------------------------------------------------------------------

  private handle(request: RecordedRequest, server: FakeServer, primary: boolean): FakeAnswer {
    const fail = (message: string) => server.violation(message);
    if (request.method !== 'POST') return fail(`method ${request.method}`);
    if (request.path !== `/adminapi/beta/${this.tenantId}/InvokeCommand`) return fail(`path ${request.path}`);
    if (primary && this.redirect) {
      return { status: 302, headers: { location: `${this.regional.baseUrl}${request.url.pathname}${request.url.search}` } };
    }
    if (this.tokens.scopeOf(request.headers.authorization) !== this.scope) return { status: 401, body: { error: { code: 'InvalidToken', message: 'The token is not valid for Exchange' } } };
    if (request.headers['content-type'] !== 'application/json') return fail(`content-type ${request.headers['content-type']}`);
    if (request.headers['x-anchormailbox'] !== `${ANCHOR}${this.tenantId}`) return fail(`X-AnchorMailbox ${request.headers['x-anchormailbox']}`);
    let body: { CmdletInput?: { CmdletName?: unknown; Parameters?: unknown } };
    try {
      body = JSON.parse(request.body);
    } catch {
      return fail('body is not JSON');
    }
    const keys = Object.keys(body);
    const input = body.CmdletInput;
    if (keys.length !== 1 || !input || typeof input.CmdletName !== 'string' || typeof input.Parameters !== 'object' || input.Parameters === null || Array.isArray(input.Parameters)) {
      return fail(`body shape ${request.body.slice(0, 200)}`);
    }
    if (Object.keys(input).length !== 2) return fail('CmdletInput has extra keys');
    if (request.headers['x-cmdletname'] !== input.CmdletName) return fail(`X-CmdletName ${request.headers['x-cmdletname']}`);

    const skiptoken = request.url.searchParams.get('$skiptoken');
    if (skiptoken) {
      const page = this.pages.get(skiptoken);
      if (!page) return fail(`unknown $skiptoken ${skiptoken}`);
      if (page.body !== request.body) return fail('next page requested with a different body');
      this.pages.delete(skiptoken);
      return this.pageAnswer(server, request.body, page.rest, page.warnings);
    }
    const cmdlet = input.CmdletName;
    const parameters = input.Parameters as Params;
    this.calls.push({ cmdlet, parameters });
    const spec = this.cmdlets[cmdlet];
    if (!spec) return fail(`unexpected cmdlet ${cmdlet}`);
    for (const name of spec.required) if (!(name in parameters)) return fail(`${cmdlet} without -${name}`);
    for (const name of Object.keys(parameters)) if (!spec.required.includes(name) && !spec.optional.includes(name)) return fail(`${cmdlet} with unexpected -${name}`);
    for (const [name, value] of Object.entries(parameters)) {
      if (['Identity', 'User', 'Trustee'].includes(name) && (typeof value !== 'string' || !value)) return fail(`${cmdlet} -${name} is not a string`);
    }
    const result = spec.run(parameters);
    if (isAnswer(result)) {
      if (result.status === 400 && (result.body as { error?: { code?: string } })?.error?.code === 'FakeViolation') server.violations.push(`exchange: ${(result.body as { error: { message: string } }).error.message}`);
      return result;
    }
    return this.pageAnswer(server, request.body, result.value ?? [], result.warnings ?? []);
  }

  private pageAnswer(server: FakeServer, body: string, value: unknown[], warnings: string[]): FakeAnswer {
    const out: Record<string, unknown> = { '@odata.context': `${server.baseUrl}/adminapi/beta/${this.tenantId}/$metadata#Collection(Exchange.GenericHashTable)` };
    if (warnings.length) {
      out['adminapi.warnings@odata.type'] = '#Collection(String)';
      out['@adminapi.warnings'] = warnings;
    }
    out.value = value.slice(0, this.pageSize);
    if (value.length > this.pageSize) {
      const token = `page-${++this.pageCount}`;
      this.pages.set(token, { body, rest: value.slice(this.pageSize), warnings: [] });
      out['@odata.nextLink'] = `${server.baseUrl}/adminapi/beta/${this.tenantId}/InvokeCommand?%24skiptoken=${token}`;
    }
    return { status: 200, body: out };
  }

  private find(identity: unknown): FakeRecipient | undefined {
    const key = String(identity).toLowerCase();
    return this.recipients.find((r) => r.id.toLowerCase() === key || r.mail.toLowerCase() === key || r.name.toLowerCase() === key || r.displayName.toLowerCase() === key);
  }

  private notFound(identity: unknown): FakeAnswer {
    return error(404, 'Ex6F9304', 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException', `The operation couldn't be performed because object '${String(identity)}' couldn't be found on '${SERVER}'.`);
  }

  private defineCmdlets(): Record<string, CmdletSpec> {
    const mailbox = (identity: unknown) => {
      const r = this.find(identity);
      return r && (r.type === 'UserMailbox' || r.type === 'SharedMailbox') ? r : undefined;
    };
    const recipient = (identity: unknown) => {
      const r = this.find(identity);
      return r && r.type !== 'GuestMailUser' ? r : undefined;
    };
    /** The -Identity object and the -User/-Trustee recipient of a permission cmdlet, or the not-found answer. */
    const pair = (p: Params, who: 'User' | 'Trustee', targetOf: (identity: unknown) => FakeRecipient | undefined): [FakeRecipient, FakeRecipient] | FakeAnswer => {
      const target = targetOf(p.Identity);
      if (!target) return this.notFound(p.Identity);
      const trustee = this.find(p[who]);
      return trustee ? [target, trustee] : this.notFound(p[who]);
    };
    const mailboxRow = (target: FakeRecipient, a: MailboxAce) => ({
      Identity: target.displayName,
      User: a.user,
      AccessRights: a.rights,
      IsInherited: a.inherited,
      Deny: a.deny,
      InheritanceType: 'All',
    });
    const recipientRow = (target: FakeRecipient, a: RecipientAce) => ({
      Identity: target.displayName,
      Trustee: a.trustee,
      AccessControlType: a.type,
      AccessRights: ['SendAs'],
      IsInherited: a.inherited,
      InheritanceType: 'None',
    });
    const checkRights = (p: Params, right: string) =>
      Array.isArray(p.AccessRights) && p.AccessRights.length === 1 && p.AccessRights[0] === right ? undefined : this.violationAnswer(`-AccessRights must be ["${right}"], got ${JSON.stringify(p.AccessRights)}`);
    const checkConfirm = (p: Params) => (p.Confirm === false ? undefined : this.violationAnswer('-Confirm must be false'));
    const hashtableOf = (p: Params): { Add: string[]; Remove: string[] } | FakeAnswer => {
      const h = p.GrantSendOnBehalfTo as Record<string, unknown>;
      if (Array.isArray(h) || typeof h !== 'object' || h === null) return this.violationAnswer('-GrantSendOnBehalfTo must be a hashtable, never a bare list (it would replace every delegate)');
      if (h['@odata.type'] !== '#Exchange.GenericHashTable') return this.violationAnswer('-GrantSendOnBehalfTo without @odata.type #Exchange.GenericHashTable');
      for (const key of Object.keys(h)) if (!['@odata.type', 'Add', 'Remove'].includes(key)) return this.violationAnswer(`-GrantSendOnBehalfTo with key ${key}`);
      const add = h.Add ?? [];
      const remove = h.Remove ?? [];
      if (!Array.isArray(add) || !Array.isArray(remove) || ![...add, ...remove].every((v) => typeof v === 'string')) return this.violationAnswer('Add/Remove must be string lists');
      return { Add: add as string[], Remove: remove as string[] };
    };
    const setSendOnBehalf = (p: Params, group: boolean) => {
      const target = this.find(p.Identity);
      if (!target || (group ? target.type !== 'GroupMailbox' : target.type !== 'UserMailbox' && target.type !== 'SharedMailbox')) return this.notFound(p.Identity);
      const h = hashtableOf(p);
      if (isAnswer(h)) return h;
      const names = [...this.sendOnBehalf.get(target.id)!];
      const before = names.join('\n');
      for (const identity of [...h.Add, ...h.Remove]) if (!this.find(identity)) return this.notFound(identity);
      for (const identity of h.Add) {
        const r = this.find(identity)!;
        if (!names.includes(r.name)) names.push(r.name);
      }
      for (const identity of h.Remove) {
        const r = this.find(identity)!;
        const i = names.indexOf(r.name);
        if (i >= 0) names.splice(i, 1);
      }
      this.sendOnBehalf.set(target.id, names);
      return before === names.join('\n') ? { value: [], warnings: [`The command completed successfully but no settings of '${target.id}' have been modified.`] } : { value: [] };
    };
    const mailboxObject = (r: FakeRecipient) => ({
      ExternalDirectoryObjectId: r.id,
      Name: r.name,
      Alias: r.mail.split('@')[0],
      DisplayName: r.displayName,
      PrimarySmtpAddress: r.mail,
      UserPrincipalName: r.mail,
      RecipientTypeDetails: r.type,
      GrantSendOnBehalfTo: this.staleReads ? [] : [...(this.sendOnBehalf.get(r.id) ?? [])],
    });

    return {
      'Get-MailboxPermission': {
        required: ['Identity'],
        optional: ['User'],
        run: (p) => {
          const target = mailbox(p.Identity);
          if (!target) return this.notFound(p.Identity);
          let aces = this.mailboxAces.get(target.id)!;
          if (p.User !== undefined) {
            const user = this.find(p.User);
            if (!user) return this.notFound(p.User);
            aces = this.staleReads ? [] : aces.filter((a) => a.user === user.mail);
          }
          return { value: aces.map((a) => mailboxRow(target, a)) };
        },
      },
      'Add-MailboxPermission': {
        required: ['Identity', 'User', 'AccessRights', 'InheritanceType'],
        optional: ['AutoMapping'],
        run: (p) => {
          const bad = checkRights(p, 'FullAccess') ?? (p.InheritanceType === 'All' ? undefined : this.violationAnswer('-InheritanceType must be All'));
          if (bad) return bad;
          if (p.AutoMapping !== undefined && typeof p.AutoMapping !== 'boolean') return this.violationAnswer('-AutoMapping must be a boolean');
          const found = pair(p, 'User', mailbox);
          if (isAnswer(found)) return found;
          const [target, user] = found;
          const aces = this.mailboxAces.get(target.id)!;
          let ace = aces.find((a) => a.user === user.mail && !a.inherited && !a.deny);
          if (!ace) aces.push((ace = { user: user.mail, rights: ['FullAccess'], inherited: false, deny: false, autoMapping: p.AutoMapping as boolean | undefined }));
          return { value: [mailboxRow(target, ace)] };
        },
      },
      'Remove-MailboxPermission': {
        required: ['Identity', 'User', 'AccessRights', 'InheritanceType', 'Confirm'],
        optional: [],
        run: (p) => {
          const bad = checkRights(p, 'FullAccess') ?? checkConfirm(p);
          if (bad) return bad;
          const found = pair(p, 'User', mailbox);
          if (isAnswer(found)) return found;
          const [target, user] = found;
          const aces = this.mailboxAces.get(target.id)!;
          const i = aces.findIndex((a) => a.user === user.mail && !a.inherited && !a.deny);
          if (i < 0) {
            return { value: [], warnings: [`Can't remove the access control entry on the object "${target.displayName}" for account "${user.mail}" because the ACE doesn't exist on the object.`] };
          }
          aces.splice(i, 1);
          return { value: [] };
        },
      },
      'Get-RecipientPermission': {
        // Identity is required here on purpose: without it the real cmdlet lists the whole tenant.
        required: ['Identity'],
        optional: ['Trustee', 'AccessRights'],
        run: (p) => {
          if (p.AccessRights !== undefined && p.AccessRights !== 'SendAs') return this.violationAnswer('-AccessRights must be SendAs');
          const target = recipient(p.Identity);
          if (!target) return this.notFound(p.Identity);
          let aces = this.recipientAces.get(target.id)!;
          if (p.Trustee !== undefined) {
            const trustee = this.find(p.Trustee);
            if (!trustee) return this.notFound(p.Trustee);
            aces = this.staleReads ? [] : aces.filter((a) => a.trustee === trustee.mail);
          }
          return { value: aces.map((a) => recipientRow(target, a)) };
        },
      },
      'Add-RecipientPermission': {
        required: ['Identity', 'Trustee', 'AccessRights', 'Confirm'],
        optional: [],
        run: (p) => {
          const bad = checkRights(p, 'SendAs') ?? checkConfirm(p);
          if (bad) return bad;
          const found = pair(p, 'Trustee', recipient);
          if (isAnswer(found)) return found;
          const [target, trustee] = found;
          const aces = this.recipientAces.get(target.id)!;
          const existing = aces.find((a) => a.trustee === trustee.mail);
          if (existing) {
            return { value: [], warnings: [`The appropriate access control entry is already present on the object "${target.displayName}" for account "${trustee.mail}".`] };
          }
          const ace: RecipientAce = { trustee: trustee.mail, type: 'Allow', inherited: false };
          aces.push(ace);
          return { value: [recipientRow(target, ace)] };
        },
      },
      'Remove-RecipientPermission': {
        required: ['Identity', 'Trustee', 'AccessRights', 'Confirm'],
        optional: [],
        run: (p) => {
          const bad = checkRights(p, 'SendAs') ?? checkConfirm(p);
          if (bad) return bad;
          const found = pair(p, 'Trustee', recipient);
          if (isAnswer(found)) return found;
          const [target, trustee] = found;
          const aces = this.recipientAces.get(target.id)!;
          const i = aces.findIndex((a) => a.trustee === trustee.mail && !a.inherited);
          if (i < 0) return error(400, 'Ex9A1C4E', 'Microsoft.Exchange.Management.RecipientTasks.RecipientPermissionTaskException', `The ACE doesn't exist on the object "${target.displayName}" for account "${trustee.mail}".`);
          aces.splice(i, 1);
          return { value: [] };
        },
      },
      'Get-Mailbox': {
        required: [],
        optional: ['Identity', 'RecipientTypeDetails', 'ResultSize'],
        run: (p) => {
          if (p.Identity !== undefined) {
            const r = mailbox(p.Identity);
            return r ? { value: [mailboxObject(r)] } : this.notFound(p.Identity);
          }
          if (p.ResultSize !== 'Unlimited') return this.violationAnswer('Get-Mailbox without -Identity must say -ResultSize Unlimited (paged)');
          const types = p.RecipientTypeDetails === undefined ? ['UserMailbox', 'SharedMailbox'] : [p.RecipientTypeDetails];
          return { value: this.recipients.filter((r) => types.includes(r.type)).map(mailboxObject) };
        },
      },
      'Set-Mailbox': { required: ['Identity', 'GrantSendOnBehalfTo'], optional: [], run: (p) => setSendOnBehalf(p, false) },
      'Get-UnifiedGroup': {
        required: ['Identity'],
        optional: [],
        run: (p) => {
          const r = this.find(p.Identity);
          if (!r || r.type !== 'GroupMailbox') return this.notFound(p.Identity);
          return { value: [{ ...mailboxObject(r), AccessType: 'Private' }] };
        },
      },
      'Set-UnifiedGroup': { required: ['Identity', 'GrantSendOnBehalfTo'], optional: [], run: (p) => setSendOnBehalf(p, true) },
      'Get-UnifiedGroupLinks': {
        required: ['Identity', 'LinkType'],
        optional: ['ResultSize'],
        run: (p) => {
          if (p.LinkType !== 'Members') return this.violationAnswer('-LinkType must be Members');
          const r = this.find(p.Identity);
          if (!r || r.type !== 'GroupMailbox') return this.notFound(p.Identity);
          return { value: (r.members ?? []).map((id) => this.recipients.find((x) => x.id === id)!).map((m) => ({ Name: m.name, ExternalDirectoryObjectId: m.id, PrimarySmtpAddress: m.mail, RecipientTypeDetails: m.type })) };
        },
      },
      'Get-Recipient': {
        required: ['Identity'],
        optional: [],
        run: (p) => {
          const r = this.find(p.Identity);
          if (!r) return this.notFound(p.Identity);
          return { value: [{ ExternalDirectoryObjectId: r.id, Name: r.name, DisplayName: r.displayName, PrimarySmtpAddress: r.mail, RecipientTypeDetails: r.type }] };
        },
      },
    };
  }

  private violationAnswer(message: string): FakeAnswer {
    return { status: 400, body: { error: { code: 'FakeViolation', message } } };
  }
}

function error(status: number, code: string, type: string, text: string): FakeAnswer {
  return {
    status,
    body: {
      error: {
        code: status === 404 ? 'NotFound' : 'BadRequest',
        message: text,
        details: [{ code: 'Context', target: '', message: `${code}|${type}|${text}` }],
        innererror: { message: text, type, internalexception: { message: text } },
      },
    },
  };
}
