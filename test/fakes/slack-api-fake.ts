import { parse as parseQuery } from 'node:querystring';
import { FakeServer, type FakeAnswer, type RecordedRequest } from './fake-server.js';
import { blockKitProblems, textObject, type Surface } from './slack-block-kit.js';

/** A workspace member as `users.info` describes one (the fields the bot reads, in Slack's shape). */
export interface SlackUser {
  id: string;
  team_id: string;
  name: string;
  real_name: string;
  deleted: boolean;
  is_bot: boolean;
  is_restricted: boolean;
  is_ultra_restricted: boolean;
  tz: string;
  tz_label: string;
  tz_offset: number;
  locale: string;
  profile: { email?: string; real_name: string; display_name: string };
}

/** One message the bot posted, with every version `chat.update` gave it (newest last). */
export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: Record<string, unknown>[];
  threadTs?: string;
  versions: { text: string; blocks: Record<string, unknown>[] }[];
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  text: string;
  blocks: Record<string, unknown>[];
}

export interface OpenedView {
  triggerId: string;
  view: Record<string, unknown>;
  id: string;
}

type Args = Record<string, unknown>;
type MethodHandler = (args: Args, request: RecordedRequest) => FakeAnswer;

export const FAKE_TEAM = { id: 'T0CONTOSO', name: 'Contoso', domain: 'contoso' } as const;
export const FAKE_BOT = { userId: 'U0BOTUSER', botId: 'B0BOT00001', token: 'xoxb-1111-2222-fakebottoken' } as const;

/**
 * The bot scope each method needs (Slack's method reference, "Required scopes"); the fake's token has
 * them all until `removeScope`. `auth.test`, `views.open` and `views.publish` need none.
 */
const METHOD_SCOPES: Readonly<Record<string, string>> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'conversations.open': 'im:write',
  'users.info': 'users:read',
  'users.lookupByEmail': 'users:read.email',
};

/** Arguments that Slack's JSON-in-form encoding carries as JSON strings. */
const JSON_ARGS = new Set(['blocks', 'view', 'attachments', 'metadata']);

/**
 * A loopback fake of the Slack Web API (`SLACK_API_URL`): `auth.test`, `chat.postMessage`,
 * `chat.update`, `chat.postEphemeral`, `conversations.open`, `users.info`, `users.lookupByEmail`, `views.open`,
 * `views.publish`. Every call is checked for its method name, the bot token (`Authorization:
 * Bearer xoxb-...` as @slack/web-api sends it, or a `token` argument), its content type and the shape of its arguments
 * (Block Kit included); a wrong call is answered as Slack would (`ok:false`) and listed in
 * `violations`, which tests assert to be empty. Answers use Slack's shapes, including `ok:false`
 * errors (`user_not_found`, `cannot_dm_bot`, `message_not_found`...) and 429 with Retry-After.
 * Installation faults: a revoked token (`revokeToken`) and a scope taken away (`removeScope`).
 */
export class SlackApiFake {
  readonly server: FakeServer;
  readonly users = new Map<string, SlackUser>();
  /** Every message the bot posted, in order. */
  readonly messages: PostedMessage[] = [];
  readonly modals: OpenedView[] = [];
  /** Every ephemeral message (`chat.postEphemeral`): seen only by `user`, never stored or updated. */
  readonly ephemerals: EphemeralMessage[] = [];
  /** The Home tab last published per user. */
  readonly homes = new Map<string, Record<string, unknown>>();
  /** Per method, answers used before the normal one: `{ error }` (ok:false), `{ status, retryAfter }` (HTTP). */
  private readonly scripted = new Map<string, Array<{ error?: string; status?: number; retryAfter?: number }>>();
  private readonly dms = new Map<string, string>();
  /** Channels whose posts and updates are answered with an HTTP status (`outageIn`). */
  private readonly downIn = new Map<string, number>();
  private readonly triggers = new Set<string>();
  private tsCounter = 0;
  private readonly methods: Record<string, MethodHandler>;

  constructor(readonly token: string = FAKE_BOT.token) {
    this.server = new FakeServer((r) => this.handle(r), 'slack');
    this.methods = {
      'auth.test': () => this.ok({ url: `https://${FAKE_TEAM.domain}.slack.com/`, team: FAKE_TEAM.name, user: 'mailbox', team_id: FAKE_TEAM.id, user_id: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, is_enterprise_install: false }),
      'chat.postMessage': (a) => this.postMessage(a),
      'chat.update': (a) => this.update(a),
      'chat.postEphemeral': (a) => this.postEphemeral(a),
      'conversations.open': (a) => this.openDm(a),
      'users.info': (a) => this.userInfo(a),
      'users.lookupByEmail': (a) => this.lookupByEmail(a),
      'views.open': (a) => this.openView(a),
      'views.publish': (a) => this.publishView(a),
    };
  }

  /** While true, every call with the bot token is answered `ok:false` `token_revoked` (`revokeToken`). */
  private tokenRevoked = false;

  /** The workspace revoked the bot token (the app reinstalled, the token rotated): every call fails until `restoreToken()`. */
  revokeToken(): void {
    this.tokenRevoked = true;
  }

  /** The operator put the app's current token in place again: calls succeed. */
  restoreToken(): void {
    this.tokenRevoked = false;
  }

  /** The bot token's scopes (`SCOPES`): a method whose scope is not among them answers `missing_scope`. */
  private readonly scopes = new Set(Object.values(METHOD_SCOPES));

  /**
   * A scope taken from the app (removed from its manifest and the app reinstalled with the old token
   * kept): every call of a method needing it answers `ok:false` `missing_scope` with `needed` and
   * `provided`, as Slack does, until `grantScope`.
   */
  removeScope(scope: string): void {
    this.scopes.delete(scope);
  }

  /** The scope is the token's again. */
  grantScope(scope: string): void {
    this.scopes.add(scope);
  }

  /** The Web API base URL to set as `SLACK_API_URL`. */
  get apiUrl(): string {
    return `${this.server.baseUrl}/api/`;
  }
  get violations(): string[] {
    return this.server.violations;
  }
  /** Every call by method name, in order. */
  calls(method?: string): Array<{ method: string; args: Args }> {
    return this.server.requests
      .filter((r) => r.path.startsWith('/api/') && (method === undefined || r.path === `/api/${method}`))
      .map((r) => ({ method: r.path.slice('/api/'.length), args: parseArgs(r) ?? {} }));
  }
  async start(): Promise<this> {
    await this.server.start();
    return this;
  }
  close(): Promise<void> {
    return this.server.close();
  }

  /** Adds a workspace member (defaults: a full member of the workspace in Amsterdam, en-US). */
  addUser(user: Partial<SlackUser> & { id: string; email?: string; name?: string }): SlackUser {
    const realName = user.real_name ?? user.name ?? user.id;
    const full: SlackUser = {
      id: user.id,
      team_id: user.team_id ?? FAKE_TEAM.id,
      name: user.name ?? user.id.toLowerCase(),
      real_name: realName,
      deleted: user.deleted ?? false,
      is_bot: user.is_bot ?? false,
      is_restricted: user.is_restricted ?? false,
      is_ultra_restricted: user.is_ultra_restricted ?? false,
      tz: user.tz ?? 'Europe/Amsterdam',
      tz_label: user.tz_label ?? 'Central European Time',
      tz_offset: user.tz_offset ?? 3600,
      locale: user.locale ?? 'en-US',
      profile: { ...(user.email ? { email: user.email } : {}), real_name: realName, display_name: user.name ?? realName },
    };
    this.users.set(full.id, full);
    return full;
  }

  /** The next `count` calls of `method` answer `ok:false` with `error` (Slack's 200 with an error code). */
  failNext(method: string, error: string, count = 1): void {
    this.queue(method, Array.from({ length: count }, () => ({ error })));
  }
  /**
   * A partial outage: posts and updates into `channel` alone are answered HTTP `status` until
   * `recover()`; every other call still works.
   */
  outageIn(channel: string, status = 503): void {
    this.downIn.set(channel, status);
  }

  /** Ends every `outageIn`. */
  recover(): void {
    this.downIn.clear();
  }

  /** The next `count` calls of `method` answer HTTP `status` (429 carries `Retry-After: retryAfter`). */
  httpNext(method: string, status: number, retryAfter?: number, count = 1): void {
    this.queue(method, Array.from({ length: count }, () => ({ status, ...(retryAfter !== undefined ? { retryAfter } : {}) })));
  }

  /** A trigger id as Slack puts in an interaction payload; `views.open` accepts it once. */
  issueTrigger(): string {
    const id = `${Date.now()}.${1000 + this.triggers.size}.${Math.random().toString(16).slice(2, 14)}`;
    this.triggers.add(id);
    return id;
  }

  /** The direct-message channel between the bot and `userId`, once it exists. */
  dmOf(userId: string): string | undefined {
    return this.dms.get(userId);
  }

  /** The DM a person opens from the app's Messages tab (it exists before the bot calls `conversations.open`). */
  openDmAsUser(userId: string): string {
    return this.dms.get(userId) ?? this.createDm(userId);
  }

  private createDm(userId: string): string {
    const channel = `D${String(this.dms.size + 1).padStart(9, '0')}`;
    this.dms.set(userId, channel);
    return channel;
  }
  /** Messages the bot posted into `userId`'s direct messages, oldest first. */
  inbox(userId: string): PostedMessage[] {
    const channel = this.dms.get(userId);
    return channel ? this.messages.filter((m) => m.channel === channel) : [];
  }
  message(channel: string, ts: string): PostedMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  // ---- the HTTP side ------------------------------------------------------------------------

  private queue(method: string, answers: Array<{ error?: string; status?: number; retryAfter?: number }>): void {
    this.scripted.set(method, [...(this.scripted.get(method) ?? []), ...answers]);
  }

  private handle(request: RecordedRequest): FakeAnswer {
    if (request.method !== 'POST' || !request.path.startsWith('/api/')) return this.server.violation(`${request.method} ${request.path}: not a Web API call`);
    const method = request.path.slice('/api/'.length);
    const handler = this.methods[method];
    if (!handler) return this.server.violation(`unknown or unexpected method ${method}`);
    const args = parseArgs(request);
    if (!args) return this.server.violation(`${method}: content type ${String(request.headers['content-type'])} or body not parseable`);
    // Slack takes the token as `Authorization: Bearer` (what @slack/web-api sends) or as a `token` argument (Bolt's auth.test adds it too).
    const header = request.headers.authorization;
    const tokens = [...(header !== undefined ? [header.replace(/^Bearer /, '')] : []), ...('token' in args ? [String(args.token)] : [])];
    if (tokens.length === 0 || tokens.some((t) => t !== this.token) || (header !== undefined && !header.startsWith('Bearer '))) {
      this.server.violations.push(`slack: ${method} without the bot token`);
      return this.error(tokens.length ? 'invalid_auth' : 'not_authed');
    }
    delete args.token;
    // A revoked token: Slack answers every method with `token_revoked` (https://api.slack.com/web#errors).
    if (this.tokenRevoked) return this.error('token_revoked');
    // Bolt's clients add the workspace (`team_id`) to every call; Slack takes it when it is the token's own.
    if ('team_id' in args) {
      if (args.team_id !== FAKE_TEAM.id) return this.invalid(method, `team_id ${String(args.team_id)} is not the token's workspace`, 'team_access_not_granted');
      delete args.team_id;
    }
    // A bot token without the method's scope (https://api.slack.com/web#errors: missing_scope names what is `needed`).
    const needed = METHOD_SCOPES[method];
    if (needed !== undefined && !this.scopes.has(needed)) return this.error('missing_scope', { needed, provided: [...this.scopes].sort().join(',') });
    const scripted = this.scripted.get(method)?.shift();
    if (scripted?.status !== undefined) {
      return scripted.status === 429
        ? { status: 429, headers: { 'retry-after': String(scripted.retryAfter ?? 1) }, body: { ok: false, error: 'ratelimited' } }
        : { status: scripted.status, body: scripted.status >= 500 ? 'upstream error' : { ok: false, error: 'request_failed' } };
    }
    if (scripted?.error) return this.error(scripted.error);
    const down = (method === 'chat.postMessage' || method === 'chat.update') && typeof args.channel === 'string' ? this.downIn.get(args.channel) : undefined;
    if (down !== undefined) return { status: down, body: 'upstream error' };
    return handler(args, request);
  }

  private ok(body: Record<string, unknown>): FakeAnswer {
    return { status: 200, body: { ok: true, ...body } };
  }
  private error(error: string, extra: Record<string, unknown> = {}): FakeAnswer {
    return { status: 200, body: { ok: false, error, ...extra } };
  }
  /** A call whose arguments Slack would refuse: recorded, and answered with Slack's error code. */
  private invalid(method: string, problem: string, error = 'invalid_arguments'): FakeAnswer {
    this.server.violations.push(`slack: ${method}: ${problem}`);
    return this.error(error, { response_metadata: { messages: [`[ERROR] ${problem}`] } });
  }

  // ---- methods ------------------------------------------------------------------------------

  /** Ephemeral messages `userId` was shown, oldest first. */
  ephemeralsFor(userId: string): EphemeralMessage[] {
    return this.ephemerals.filter((m) => m.user === userId);
  }

  private checkMessage(method: string, args: Args, extra: readonly string[] = []): FakeAnswer | { text: string; blocks: Record<string, unknown>[] } {
    if (typeof args.channel !== 'string' || !/^[CDG][A-Z0-9]{2,}$/.test(args.channel)) return this.invalid(method, `channel ${String(args.channel)}`, 'channel_not_found');
    if (typeof args.text !== 'string' || args.text.length === 0) return this.invalid(method, 'text (the notification fallback) is missing', 'no_text');
    if (args.text.length > 40_000) return this.invalid(method, 'text over 40,000 characters', 'msg_too_long');
    const blocks = args.blocks ?? [];
    const problems = blockKitProblems(blocks, 'message');
    if (problems.length) return this.invalid(method, problems.join('; '), 'invalid_blocks');
    for (const key of Object.keys(args)) {
      if (!['channel', 'text', 'blocks', 'ts', 'thread_ts', 'unfurl_links', 'unfurl_media', ...extra].includes(key)) return this.invalid(method, `unexpected argument ${key}`);
    }
    return { text: args.text, blocks: blocks as Record<string, unknown>[] };
  }

  private postMessage(args: Args): FakeAnswer {
    const checked = this.checkMessage('chat.postMessage', args);
    if ('status' in checked) return checked;
    const channel = args.channel as string;
    if (channel.startsWith('D') && ![...this.dms.values()].includes(channel)) return this.error('channel_not_found');
    const ts = this.nextTs();
    const posted: PostedMessage = { channel, ts, text: checked.text, blocks: checked.blocks, versions: [{ text: checked.text, blocks: checked.blocks }] };
    if (typeof args.thread_ts === 'string') posted.threadTs = args.thread_ts;
    this.messages.push(posted);
    return this.ok({ channel, ts, message: { type: 'message', text: checked.text, blocks: checked.blocks, user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, ts } });
  }

  private postEphemeral(args: Args): FakeAnswer {
    if (typeof args.user !== 'string' || !/^[UW][A-Z0-9]+$/.test(args.user)) return this.invalid('chat.postEphemeral', `user ${String(args.user)}`, 'user_not_found');
    if ('ts' in args) return this.invalid('chat.postEphemeral', 'unexpected argument ts');
    const checked = this.checkMessage('chat.postEphemeral', args, ['user']);
    if ('status' in checked) return checked;
    const channel = args.channel as string;
    // In a direct message only its own member can be shown anything.
    if (channel.startsWith('D') && this.dms.get(args.user) !== channel) return this.error('user_not_in_channel');
    this.ephemerals.push({ channel, user: args.user, text: checked.text, blocks: checked.blocks });
    return this.ok({ message_ts: this.nextTs() });
  }

  private update(args: Args): FakeAnswer {
    if (typeof args.ts !== 'string') return this.invalid('chat.update', 'ts missing');
    const checked = this.checkMessage('chat.update', args);
    if ('status' in checked) return checked;
    const message = this.message(args.channel as string, args.ts);
    if (!message) return this.error('message_not_found');
    message.text = checked.text;
    message.blocks = checked.blocks;
    message.versions.push({ text: checked.text, blocks: checked.blocks });
    return this.ok({ channel: message.channel, ts: message.ts, text: checked.text, message: { text: checked.text, blocks: checked.blocks } });
  }

  private openDm(args: Args): FakeAnswer {
    if (typeof args.users !== 'string' || !/^[UW][A-Z0-9]+$/.test(args.users)) return this.invalid('conversations.open', `users must be one user id (got ${String(args.users)})`);
    const user = this.users.get(args.users);
    if (!user) return this.error('user_not_found');
    if (user.is_bot) return this.error('cannot_dm_bot');
    if (user.deleted) return this.error('user_disabled');
    return this.ok({ channel: { id: this.dms.get(user.id) ?? this.createDm(user.id) } });
  }

  private userInfo(args: Args): FakeAnswer {
    if (typeof args.user !== 'string' || !/^[UW][A-Z0-9]+$/.test(args.user)) return this.invalid('users.info', `user ${String(args.user)}`, 'user_not_found');
    if (args.include_locale !== undefined && args.include_locale !== 'true' && args.include_locale !== true) return this.invalid('users.info', 'include_locale must be true');
    const user = this.users.get(args.user);
    if (!user) return this.error('user_not_found');
    const { locale, ...rest } = user;
    return this.ok({ user: args.include_locale ? user : rest });
  }

  private lookupByEmail(args: Args): FakeAnswer {
    if (typeof args.email !== 'string' || !args.email.includes('@')) return this.invalid('users.lookupByEmail', 'email');
    const email = args.email.toLowerCase();
    const user = [...this.users.values()].find((u) => u.profile.email?.toLowerCase() === email);
    return user ? this.ok({ user }) : this.error('users_not_found');
  }

  private checkView(method: string, view: unknown, surface: Surface): FakeAnswer | undefined {
    if (typeof view !== 'object' || view === null) return this.invalid(method, 'view is not an object', 'invalid_arguments');
    const v = view as Args;
    if (v.type !== surface) return this.invalid(method, `view.type must be ${surface}`);
    const problems = blockKitProblems(v.blocks, surface);
    if (surface === 'modal') {
      textObject(v.title, 'view.title', 24, problems, 'plain_text');
      if (v.submit !== undefined) textObject(v.submit, 'view.submit', 24, problems, 'plain_text');
      if (v.close !== undefined) textObject(v.close, 'view.close', 24, problems, 'plain_text');
    }
    if (v.private_metadata !== undefined && !(typeof v.private_metadata === 'string' && v.private_metadata.length <= 3000)) problems.push('view.private_metadata');
    if (v.callback_id !== undefined && !(typeof v.callback_id === 'string' && v.callback_id.length <= 255)) problems.push('view.callback_id');
    return problems.length ? this.invalid(method, problems.join('; '), 'invalid_arguments') : undefined;
  }

  private openView(args: Args): FakeAnswer {
    if (typeof args.trigger_id !== 'string') return this.invalid('views.open', 'trigger_id missing');
    const bad = this.checkView('views.open', args.view, 'modal');
    if (bad) return bad;
    // Slack accepts a trigger once; an unknown one is as good as expired.
    if (!this.triggers.delete(args.trigger_id)) return this.error('expired_trigger_id');
    const opened: OpenedView = { triggerId: args.trigger_id, view: args.view as Args, id: `V${String(this.modals.length + 1).padStart(9, '0')}` };
    this.modals.push(opened);
    return this.ok({ view: { id: opened.id, ...(args.view as Args) } });
  }

  private publishView(args: Args): FakeAnswer {
    if (typeof args.user_id !== 'string' || !this.users.has(args.user_id)) return this.invalid('views.publish', `user_id ${String(args.user_id)}`, 'user_not_found');
    const bad = this.checkView('views.publish', args.view, 'home');
    if (bad) return bad;
    this.homes.set(args.user_id, args.view as Args);
    return this.ok({ view: { id: `VH${args.user_id}`, ...(args.view as Args) } });
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `1763884800.${String(this.tsCounter).padStart(6, '0')}`;
  }
}

/** A Web API call's arguments: form-encoded (JSON-valued `blocks` and `view`) or a JSON body. */
function parseArgs(request: RecordedRequest): Args | undefined {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim();
  try {
    if (type === 'application/json') return JSON.parse(request.body) as Args;
    if (type !== 'application/x-www-form-urlencoded') return undefined;
    const args: Args = {};
    for (const [key, value] of Object.entries(parseQuery(request.body))) {
      const text = Array.isArray(value) ? value[0] : value;
      args[key] = JSON_ARGS.has(key) && typeof text === 'string' ? JSON.parse(text) : text;
    }
    return args;
  } catch {
    return undefined;
  }
}
