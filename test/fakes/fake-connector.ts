import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the bot sent, as the connector received it. */
export interface SentActivity {
  conversationId: string;
  id: string;
  /** The activity it answered (POST .../activities/{replyToId}). */
  replyToId?: string;
  activity: Record<string, any>;
}

export interface UpdatedActivity {
  conversationId: string;
  activityId: string;
  activity: Record<string, any>;
}

export interface CreatedConversation {
  conversationId: string;
  parameters: Record<string, any>;
}

/**
 * A Bot Connector on loopback standing in for Teams' (`serviceUrl`). It records what the bot sends,
 * updates and the 1:1 chats it opens, and answers 400 to anything not shaped as Teams expects:
 * the bot must send activities with a type and the path's conversation id, update only activities
 * it sent, and open chats with one member, the tenant id and `channelData.tenant`.
 *
 * It also answers member lookups (`TeamsInfo.getMember`: `GET /v3/conversations/{id}/members/{memberId}`)
 * from a roster (`addMember`), with the Connector's `TeamsChannelAccount` shape, or 404
 * `MemberNotFoundInConversation` for anyone else; a lookup must be a GET without a body, for a Teams
 * user id (`29:…`) in a conversation (or team) id.
 *
 * Faults, after those shape checks: canned answers for the next sends and updates (`failNext`,
 * `throttle`), an outage of every call until `recover()` (`outage`) or of one conversation's
 * sends and updates (`outageIn`), member lookups failing (`failMemberLookups`), and people who
 * never installed the app, for whom opening a 1:1 chat is refused with 403 as Teams does
 * (`refuseChatsWith`).
 */
/**
 * What the Bot Connector answers a member lookup that it refuses the bot for (`failMemberLookups`
 * with 400, 401 or 403), in its shapes: 401 is the web host's own answer to a token it does not take
 * (no `error` object), 403 the roster check, 400 a path it cannot read (an id it does not take there).
 */
const MEMBER_REFUSALS: Readonly<Record<number, unknown>> = {
  400: { error: { code: 'BadArgument', message: 'The request is invalid.' } },
  401: { message: 'Authorization has been denied for this request.' },
  403: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } },
};

export class FakeConnector {
  readonly sent: SentActivity[] = [];
  readonly updates: UpdatedActivity[] = [];
  readonly created: CreatedConversation[] = [];
  readonly rejected: { method: string; path: string; reason: string }[] = [];
  /**
   * Every request as it arrived: method, path and the headers a client chooses (auth, content type,
   * agent, request id); `status` once answered, and `at` from the `now` option (the test's clock).
   */
  readonly requests: { method: string; path: string; headers: Record<string, string | undefined>; status?: number; at?: number }[] = [];
  /** Requests being answered right now, and the most at once (with `latencyMs`, how much the bot overlaps its calls). */
  inFlight = 0;
  maxInFlight = 0;
  /** Canned failures for the next sends and updates, in order (`throttle`, `failNext`). */
  private readonly failures: { status: number; headers: Record<string, string> }[] = [];
  /** While set, every call is answered with this (`outage`). */
  private down: { status: number; headers: Record<string, string> } | undefined;
  /** Conversations whose sends and updates are answered with a failure (`outageIn`). */
  private readonly downIn = new Map<string, { status: number; headers: Record<string, string> }>();
  /** Entra object ids of people who never installed the app: opening a chat with them is refused. */
  private readonly refused = new Set<string>();
  /** Member lookups that passed the shape checks, in order (answered or not). */
  readonly memberLookups: { conversationId: string; memberId: string }[] = [];
  /** People Teams knows, by Teams user id (`29:…`): the accounts member lookups answer. */
  private readonly roster = new Map<string, Record<string, unknown>>();
  /** While set, member lookups are answered with this (`failMemberLookups`). */
  private memberFailure: { status: number; headers: Record<string, string> } | undefined;
  /** The conversations of the sends and updates answered with a canned failure or during an outage ('' for opening a chat). */
  readonly throttledAnswers: string[] = [];
  /** Who a 1:1 chat was refused with (`refuseChatsWith`), once per attempt. */
  readonly refusedChats: string[] = [];
  private server?: Server;
  private seq = 0;
  private readonly waiters: { check: () => boolean; resolve: () => void }[] = [];
  /** While paused, requests wait here unanswered (`pause`, `resume`). */
  private held: (() => void)[] | undefined;

  constructor(
    private readonly tenantId: string,
    /**
     * `latencyMs`: each answer waits this long, like a Bot Connector across the internet (benchmarks).
     * `now`: the time recorded with each request (a test's manual clock).
     */
    private readonly options: { latencyMs?: number; now?: () => number } = {},
  ) {}

  get serviceUrl(): string {
    const port = (this.server?.address() as AddressInfo | undefined)?.port;
    return `http://127.0.0.1:${port}/`;
  }

  async start(): Promise<this> {
    this.server = await this.listen();
    return this;
  }

  /**
   * Teams moves the tenant to another Bot Connector address: the same connector (its chats, the
   * messages sent, the faults) answers on a new port from now on (`serviceUrl` changes), and the
   * old port refuses connections (ECONNREFUSED). The new port is bound before the old one closes,
   * so they always differ. Resolves the new `serviceUrl`.
   */
  async move(): Promise<string> {
    const old = this.server;
    this.server = await this.listen();
    if (old) {
      old.closeAllConnections();
      await new Promise<void>((resolve) => old.close(() => resolve()));
    }
    return this.serviceUrl;
  }

  private async listen(): Promise<Server> {
    const server = createServer((req, res) => {
      this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
      res.once('close', () => this.inFlight--);
      const latency = this.options.latencyMs ?? 0;
      const delayed = <T>(value: T) => (latency > 0 ? new Promise<T>((resolve) => setTimeout(() => resolve(value), latency)) : value);
      void this.holdWhilePaused()
        .then(() => this.handle(req))
        .then(delayed)
        .then(
          ({ status, body, headers }) => {
            res.writeHead(status, { 'content-type': 'application/json', ...headers });
            res.end(JSON.stringify(body));
            this.wake();
          },
          (error: Error) => {
            res.writeHead(500);
            res.end(String(error.message));
          },
        );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `count` messages sent get 429 with `Retry-After: retryAfterSeconds`, as Teams answers a bot over its rate limit. */
  throttle(count: number, retryAfterSeconds = 0): void {
    this.failNext(count, 429, { 'retry-after': String(retryAfterSeconds) });
  }

  /** The next `count` sends and updates are answered with `status` (and `headers`) instead. */
  failNext(count: number, status: number, headers: Record<string, string> = {}): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, headers });
  }

  /**
   * Teams is down: every call (sends, updates, opening chats) is answered with `status` (and
   * `headers`) until `recover()`. Requests are still checked for shape first.
   */
  outage(status = 503, headers: Record<string, string> = {}): void {
    this.down = { status, headers };
  }

  /**
   * A partial outage: sends and updates into `conversationId` alone are answered with `status` (and
   * `headers`) until `recover()`; other conversations, and opening chats, still work.
   */
  outageIn(conversationId: string, status = 503, headers: Record<string, string> = {}): void {
    this.downIn.set(conversationId, { status, headers });
  }

  /** Ends `outage` and every `outageIn`. */
  recover(): void {
    this.down = undefined;
    this.downIn.clear();
  }

  /** `userId` (an Entra object id) never installed the app: opening a 1:1 chat with them is answered 403. */
  refuseChatsWith(userId: string): void {
    this.refused.add(userId);
  }

  /**
   * Teams knows `account` (a `TeamsChannelAccount`: `id` `29:…`, `name`, `aadObjectId`, `email`,
   * `userPrincipalName`, `tenantId`...) as a member of every conversation: lookups of its id answer it.
   */
  addMember(account: { id: string } & Record<string, unknown>): void {
    this.roster.set(account.id, { userRole: 'user', ...account });
  }

  /**
   * Member lookups are answered with `status` (and `headers`) until called again without one; 400,
   * 401 and 403 with the connector's own bodies for them (`MEMBER_REFUSALS`).
   */
  failMemberLookups(status?: number, headers: Record<string, string> = {}): void {
    this.memberFailure = status === undefined ? undefined : { status, headers };
  }

  /** From now on requests are held unanswered (a connector that hangs) until `resume()`. */
  pause(): void {
    this.held ??= [];
  }

  /** Answers the held requests and stops holding. */
  resume(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const release of held) release();
  }

  /** Requests waiting unanswered now. */
  get heldCount(): number {
    return this.held?.length ?? 0;
  }

  private holdWhilePaused(): Promise<void> {
    if (!this.held) return Promise.resolve();
    const held = this.held;
    return new Promise((resolve) => {
      held.push(resolve);
      this.wake();
    });
  }

  /** Messages sent into one conversation. */
  sentTo(conversationId: string): SentActivity[] {
    return this.sent.filter((s) => s.conversationId === conversationId);
  }

  /** Resolves once `check` holds (checked after every connector call). */
  waitFor(check: () => boolean, what = 'connector condition', timeoutMs = 5000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({ check, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  private reject(req: IncomingMessage, reason: string) {
    this.rejected.push({ method: req.method ?? '', path: req.url ?? '', reason });
    return { status: 400, body: { error: { code: 'BadArgument', message: reason } } };
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const header = (name: string) => req.headers[name] as string | undefined;
    const record: FakeConnector['requests'][number] = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: {
        authorization: header('authorization'),
        'content-type': header('content-type'),
        'user-agent': header('user-agent'),
        'x-ms-client-request-id': header('x-ms-client-request-id'),
      },
      ...(this.options.now ? { at: this.options.now() } : {}),
    };
    this.requests.push(record);
    const answer = await this.answer(req);
    record.status = answer.status;
    return answer;
  }

  private failed(conversationId: string, failure: { status: number; headers: Record<string, string> }) {
    this.throttledAnswers.push(conversationId);
    const code = failure.status === 429 ? 'Throttled' : 'ServiceError';
    return { status: failure.status, body: { error: { code, message: `answered ${failure.status} on purpose` } }, headers: failure.headers };
  }

  private async answer(req: IncomingMessage): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, any>;
    try {
      body = JSON.parse(raw || '{}');
    } catch {
      return this.reject(req, 'body is not JSON');
    }
    const path = (req.url ?? '').split('?')[0]!.replace(/^\/+/, '/');
    let match: RegExpExecArray | null;

    if (req.method === 'POST' && path === '/v3/conversations') {
      const members = body.members;
      if (body.isGroup !== false) return this.reject(req, 'isGroup must be false for a 1:1 chat');
      if (!Array.isArray(members) || members.length !== 1 || typeof members[0]?.id !== 'string') return this.reject(req, 'exactly one member with an id');
      if (body.tenantId !== this.tenantId || body.channelData?.tenant?.id !== this.tenantId) return this.reject(req, 'tenantId and channelData.tenant.id must name the tenant');
      if (typeof body.bot?.id !== 'string') return this.reject(req, 'bot.id missing');
      if (this.down) return this.failed('', this.down);
      if (this.refused.has(members[0].id)) {
        this.refusedChats.push(members[0].id);
        return { status: 403, body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } } };
      }
      const conversationId = `a:1to1-${members[0].id}`;
      this.created.push({ conversationId, parameters: body });
      return { status: 201, body: { id: conversationId } };
    }

    if ((match = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(path))) {
      const conversationId = decodeURIComponent(match[1]!);
      const memberId = decodeURIComponent(match[2]!);
      if (req.method !== 'GET') return this.reject(req, 'a member is read with GET');
      if (raw.trim()) return this.reject(req, 'a member lookup has no body');
      if (!/^(a:|19:)/.test(conversationId)) return this.reject(req, 'not a conversation or team id');
      if (!memberId.startsWith('29:')) return this.reject(req, 'not a Teams user id');
      this.memberLookups.push({ conversationId, memberId });
      if (!this.down && this.memberFailure && MEMBER_REFUSALS[this.memberFailure.status]) {
        return { status: this.memberFailure.status, body: MEMBER_REFUSALS[this.memberFailure.status], headers: this.memberFailure.headers };
      }
      const failure = this.down ?? this.memberFailure;
      if (failure) return this.failed(conversationId, failure);
      const member = this.roster.get(memberId);
      if (!member) return { status: 404, body: { error: { code: 'MemberNotFoundInConversation', message: 'The member is not part of the conversation.' } } };
      return { status: 200, body: member };
    }

    if ((match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path))) {
      const conversationId = decodeURIComponent(match[1]!);
      const activityId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
      if (typeof body.type !== 'string') return this.reject(req, 'activity without type');
      if (body.conversation?.id !== undefined && body.conversation.id !== conversationId) return this.reject(req, 'conversation id differs from the path');
      for (const attachment of body.attachments ?? []) {
        if (attachment.contentType !== 'application/vnd.microsoft.card.adaptive' || typeof attachment.content !== 'object') {
          return this.reject(req, 'only Adaptive Card attachments are expected');
        }
      }
      const failure = this.down ?? this.downIn.get(conversationId) ?? (req.method === 'POST' || req.method === 'PUT' ? this.failures.shift() : undefined);
      if (failure) return this.failed(conversationId, failure);
      if (req.method === 'POST') {
        const id = `m-${++this.seq}`;
        this.sent.push({ conversationId, id, activity: body, ...(activityId ? { replyToId: activityId } : {}) });
        return { status: 200, body: { id } };
      }
      if (req.method === 'PUT' && activityId) {
        if (!this.sent.some((s) => s.id === activityId && s.conversationId === conversationId)) return this.reject(req, 'update of an activity the bot never sent there');
        this.updates.push({ conversationId, activityId, activity: body });
        return { status: 200, body: { id: activityId } };
      }
    }
    this.rejected.push({ method: req.method ?? '', path, reason: 'unknown route' });
    return { status: 404, body: { error: { code: 'NotFound', message: `${req.method} ${path}` } } };
  }
}
