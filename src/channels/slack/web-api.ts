import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { BotError } from '../../domain/errors.js';
import { backoffDelay, parseRetryAfter, realSleep, type Sleep } from '../../permissions/http-retry.js';
import { slackFailure } from './slack-errors.js';
import type { SlackTokenHealth } from './token-health.js';

/** A workspace member as `users.info` and `users.lookupByEmail` describe one (the fields the bot reads). */
export interface SlackUserInfo {
  id: string;
  team_id?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  /** IANA zone of the profile; `tz_offset` its current offset from UTC in seconds. */
  tz?: string;
  tz_offset?: number;
  /** Only with `include_locale`. */
  locale?: string;
  /** The full name; `profile.display_name` is the name clients show when it is set. */
  real_name?: string;
  profile?: { email?: string; display_name?: string; real_name?: string };
  enterprise_user?: { enterprise_id?: string };
}

/** A message as `chat.postMessage` and `chat.update` take it. */
export interface SlackMessageArgs {
  channel: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
}

/** Per-call timeout of every Web API call (Slack answers in well under a second). */
export const SLACK_CALL_TIMEOUT_MS = 10_000;

/** Read methods Slack takes only form-encoded (JSON bodies are for write methods). */
const FORM_METHODS: ReadonlySet<string> = new Set(['auth.test', 'users.info', 'users.lookupByEmail']);

/**
 * The Slack Web API calls the bot makes (`SLACK_API_URL`, bot token as `Authorization: Bearer`),
 * sent over a pooled keep-alive undici client: write methods as JSON, the read methods form-encoded,
 * as Slack's reference asks. Failures are `BotError`s (`slackFailure`): `recipient_unreachable`,
 * or `channel_unavailable` with `retryAfterMs` from Retry-After.
 *
 * Why not @slack/web-api's WebClient (Bolt keeps its own, unused by the bot's listeners): per call
 * it runs a p-queue, a p-retry wrapper, WHATWG fetch and serialises the body twice for debug logs
 * that are then dropped. Measured on loopback (`bench/slack-send.ts`): about 790 µs of CPU per
 * `chat.postMessage` against 120 µs for the same call here, and a grant request makes two.
 *
 * `retries` quick retries (turn answers: 2; deliveries: 0, the delivery jobs own their retries)
 * follow network errors and 5xx only; a 429 is never waited out here.
 */
export class SlackWebApi {
  private readonly base: string;
  private readonly authorization: string;
  private readonly dispatcher: Dispatcher;
  private readonly retries: number;
  private readonly sleep: Sleep;
  private readonly health: SlackTokenHealth | undefined;

  /** `health`: told of every answer that says whether Slack takes the token (see `SlackTokenHealth`). */
  constructor(options: { token: string; apiUrl: string; retries?: number; dispatcher?: Dispatcher; sleep?: Sleep; timeoutMs?: number; health?: SlackTokenHealth }) {
    this.base = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;
    this.authorization = `Bearer ${options.token}`;
    this.dispatcher = options.dispatcher ?? sharedAgent(options.timeoutMs ?? SLACK_CALL_TIMEOUT_MS);
    this.retries = options.retries ?? 0;
    this.sleep = options.sleep ?? realSleep;
    this.health = options.health;
  }

  authTest(): Promise<{ team_id?: string; user_id?: string; bot_id?: string; enterprise_id?: string }> {
    return this.call('auth.test', {});
  }

  postMessage(args: SlackMessageArgs): Promise<{ channel: string; ts: string }> {
    return this.call('chat.postMessage', { ...args, unfurl_links: false, unfurl_media: false }, POSTED);
  }

  update(args: SlackMessageArgs & { ts: string }): Promise<{ channel: string; ts: string }> {
    return this.call('chat.update', { ...args }, POSTED);
  }

  /**
   * A message only `user` sees, in `channel` (Slack's `chat.postEphemeral`: not stored, so never
   * updated; `user_not_in_channel` when they cannot see the channel).
   */
  postEphemeral(args: SlackMessageArgs & { user: string }): Promise<unknown> {
    return this.call('chat.postEphemeral', { ...args });
  }

  /** The direct-message channel with one user. */
  async openDm(userId: string): Promise<string> {
    const opened = await this.call<{ channel?: { id?: string } }>('conversations.open', { users: userId });
    if (!opened.channel?.id) throw new BotError('channel_unavailable', 'Slack conversations.open named no channel', { details: { method: 'conversations.open' } });
    return opened.channel.id;
  }

  usersInfo(userId: string): Promise<{ user?: SlackUserInfo }> {
    return this.call('users.info', { user: userId, include_locale: true });
  }

  lookupByEmail(email: string): Promise<{ user?: SlackUserInfo }> {
    return this.call('users.lookupByEmail', { email });
  }

  viewsOpen(triggerId: string, view: Record<string, unknown>): Promise<unknown> {
    return this.call('views.open', { trigger_id: triggerId, view });
  }

  viewsPublish(userId: string, view: Record<string, unknown>): Promise<unknown> {
    return this.call('views.publish', { user_id: userId, view });
  }

  /**
   * One Web API method; answers the body of an `ok:true` answer, throws `BotError` otherwise.
   * `quick` reads what the caller needs from a successful answer without parsing all of it.
   */
  async call<T>(method: string, args: Record<string, unknown>, quick?: (text: string) => T | undefined): Promise<T> {
    const form = FORM_METHODS.has(method);
    const body = form ? formBody(args) : JSON.stringify(args);
    const headers = { authorization: this.authorization, 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json; charset=utf-8' };
    for (let attempt = 0; ; attempt++) {
      let failure: BotError;
      try {
        const response = await request(this.base + method, { method: 'POST', headers, body, dispatcher: this.dispatcher });
        const text = await response.body.text();
        const read = response.statusCode === 200 && quick ? quick(text) : undefined;
        if (read) {
          this.health?.accepted(method);
          return read;
        }
        const data = parseJson(text);
        if (response.statusCode === 200 && data?.ok === true) {
          this.health?.accepted(method);
          return data as T;
        }
        const retryAfter = first(response.headers['retry-after']);
        failure = slackFailure(method, { status: response.statusCode, ...(data ? { data } : {}), retryAfterMs: parseRetryAfter(retryAfter ?? null, Date.now()) });
        const slackError = failure.details.slackError;
        const needed = failure.details.needed;
        if (typeof slackError === 'string') this.health?.failed(method, slackError, typeof needed === 'string' ? needed : undefined);
      } catch (error) {
        failure = slackFailure(method, { networkError: error });
      }
      // A 429 whose Retry-After is short is waited out within the turn (the event is already
      // acknowledged); a longer one, or one for the delivery jobs (retries 0), goes to the caller,
      // whose jobs reschedule themselves at Retry-After.
      const shortWait = failure.retryAfterMs !== undefined && failure.retryAfterMs <= MAX_TURN_RETRY_AFTER_MS;
      const transient = failure.retryable && (shortWait || (failure.retryAfterMs === undefined && failure.details.slackError === undefined));
      if (!transient || attempt >= this.retries) throw failure;
      await this.sleep(shortWait ? failure.retryAfterMs! : backoffDelay(attempt + 1, { baseDelayMs: 200, maxDelayMs: 1000 }, Math.random));
    }
  }
}

/** The longest Retry-After (ms) a turn waits out before it gives up on answering in that turn. */
export const MAX_TURN_RETRY_AFTER_MS = 3_000;

/**
 * The bot's two clients: `turn` answers a person within their turn, `delivery` sends what the
 * delivery jobs owe. Both report to one `health`, so a revoked token is logged once, not per client.
 */
export function createSlackApis(options: { token: string; apiUrl: string; health?: SlackTokenHealth }): { turn: SlackWebApi; delivery: SlackWebApi } {
  return { turn: new SlackWebApi({ ...options, retries: 2 }), delivery: new SlackWebApi({ ...options, retries: 0 }) };
}

/**
 * `channel` and `ts` of a posted or updated message, read off the start of Slack's answer
 * (`{"ok":true,"channel":"D…","ts":"…","message":{…}}`, which echoes the whole message back)
 * instead of parsing it; undefined when the answer does not start that way.
 */
const POSTED = (text: string): { channel: string; ts: string } | undefined => {
  if (!text.startsWith('{"ok":true,')) return undefined;
  const match = /^\{"ok":true,"channel":"([A-Z0-9]+)","ts":"(\d+\.\d+)"/.exec(text);
  return match ? { channel: match[1]!, ts: match[2]! } : undefined;
};

/** Form fields as Slack reads them: objects as JSON, booleans as `true`/`false`. */
function formBody(args: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined) continue;
    form.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return form.toString();
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const agents = new Map<number, Dispatcher>();
/** One connection pool per process and timeout; like fetch's, it honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY. */
function sharedAgent(timeoutMs: number): Dispatcher {
  let agent = agents.get(timeoutMs);
  if (!agent) {
    agent = new EnvHttpProxyAgent({ keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: timeoutMs });
    agents.set(timeoutMs, agent);
  }
  return agent;
}
