import type { Activity, ResourceResponse } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { backoffDelay, parseRetryAfter, realSleep, type Sleep } from '../../permissions/http-retry.js';

/**
 * The three Bot Connector calls every turn makes (send, reply to and update an activity), sent as
 * plain JSON over a pooled keep-alive HTTP client, signed by the ConnectorClient's own credentials.
 *
 * Why not the ConnectorClient: botframework-connector sends through @azure/core-client, which walks
 * the Activity's serialization mapper (about 50 properties, nested accounts and attachments), runs
 * 15 pipeline policies and converts every request between two generations of Azure HTTP types.
 * Measured on loopback (`bench/connector-send.ts`): about 3x the CPU of the same POST sent as JSON.
 * A grant request sends two messages, so this was the largest single cost of a request turn.
 *
 * What stays the library's: the credentials (token acquisition and caching by MSAL), every other
 * operation (creating conversations, members, attachments, the token service), and any call made
 * with options or a callback. The retries follow core-rest-pipeline's default policy: up to 3
 * retries; 429 and 503 wait out `Retry-After`; 408, other 5xx (not 501 or 505) and network errors
 * back off exponentially from 1 s (at most 64 s). One addition: a 429 without `Retry-After` backs
 * off too (the library gave up at once), as Teams' rate-limit guidance asks of bots.
 *
 * A `Retry-After` longer than 10 s is not waited out in-process (nor cut short): the call fails at
 * once, so the waits of one call (3 retries) stay inside a delivery job's 40 s deadline. The error carries the last answer's `Retry-After` as `retryAfterMs`, so a durable caller
 * (a delivery job) sends again no sooner than the connector asked.
 */
export class BotConnectorHttp {
  private readonly base: string;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly maxRetries: number;
  private readonly userAgent: string;
  private readonly dispatcher: Dispatcher;

  constructor(
    serviceUrl: string,
    private readonly credentials: RequestSigner,
    options: { userAgent?: string; sleep?: Sleep; random?: () => number; maxRetries?: number; dispatcher?: Dispatcher } = {},
  ) {
    this.base = serviceUrl.endsWith('/') ? serviceUrl : `${serviceUrl}/`;
    this.userAgent = options.userAgent ?? 'mailbox-delegation-bot';
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.maxRetries = options.maxRetries ?? MAX_RETRIES;
    this.dispatcher = options.dispatcher ?? sharedAgent();
  }

  sendToConversation(conversationId: string, activity: Partial<Activity>): Promise<ResourceResponse> {
    return this.call('POST', `v3/conversations/${encodeURIComponent(conversationId)}/activities`, activity);
  }

  replyToActivity(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<ResourceResponse> {
    return this.call('POST', `v3/conversations/${encodeURIComponent(conversationId)}/activities/${encodeURIComponent(activityId)}`, activity);
  }

  updateActivity(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<ResourceResponse> {
    return this.call('PUT', `v3/conversations/${encodeURIComponent(conversationId)}/activities/${encodeURIComponent(activityId)}`, activity);
  }

  private async call(method: 'POST' | 'PUT', path: string, activity: Partial<Activity>): Promise<ResourceResponse> {
    if (!activity) throw new BotConnectorError('activity cannot be null or undefined.');
    const url = this.base + path;
    const body = JSON.stringify(activity);
    for (let retry = 0; ; retry++) {
      let delay: number | undefined;
      let failure: BotConnectorError;
      try {
        const headers: Record<string, string> = {
          'content-type': 'application/json; charset=utf-8',
          accept: '*/*',
          'user-agent': this.userAgent,
        };
        // Signed per attempt: the credentials hand out a fresh token when the cached one expired.
        await this.credentials.signRequest({ headers: { set: (name: string, value: string) => (headers[name.toLowerCase()] = value) } });
        const response = await request(url, { method, headers, body, dispatcher: this.dispatcher });
        const text = await response.body.text();
        if (response.statusCode >= 200 && response.statusCode < 300) return parseResource(text);
        const retryAfter = retryAfterOf(response.headers);
        failure = errorFrom(response.statusCode, text, method, path, retryAfter);
        if ((response.statusCode === 429 || response.statusCode === 503) && retryAfter !== undefined) {
          // Sending again before Retry-After would only be refused again: longer waits are the caller's.
          if (retryAfter > MAX_RETRY_AFTER_MS) throw failure;
          delay = retryAfter;
        } else if (isTransientStatus(response.statusCode)) delay = backoffDelay(retry + 1, BACKOFF, this.random);
      } catch (error) {
        if (error instanceof BotConnectorError) throw error;
        // The request may not have reached the connector (refused, reset, timed out): try again.
        failure = new BotConnectorError(`${method} ${path} failed: ${(error as Error).message}`, undefined, (error as { code?: string }).code ?? 'REQUEST_SEND_ERROR', error);
        delay = backoffDelay(retry + 1, BACKOFF, this.random);
      }
      if (delay === undefined || retry >= this.maxRetries) throw failure;
      await this.sleep(delay);
    }
  }
}

/** What botframework-connector's credentials offer (`ServiceClientCredentials.signRequest`): they set the Authorization header when the bot has an app id. */
export interface RequestSigner {
  signRequest(webResource: { headers: { set(name: string, value: string): unknown } }): Promise<unknown>;
}

/** A failed Bot Connector call, shaped like the library's RestError where callers look: `statusCode` and `code`. */
export class BotConnectorError extends Error {
  override readonly name = 'BotConnectorError';
  constructor(
    message: string,
    readonly statusCode?: number,
    /** The connector's error code (`ConversationNotFound`, `Throttled`...), or the network error's. */
    readonly code?: string,
    cause?: unknown,
    /** How long the connector asked to wait before sending again (its `Retry-After`, ms), when it did. */
    readonly retryAfterMs?: number,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

const MAX_RETRIES = 3;
/** Exponential backoff from 1 s (core-rest-pipeline's). */
const BACKOFF = { baseDelayMs: 1000, maxDelayMs: 64_000 };
/** The longest `Retry-After` waited out in-process; a longer one is left to the durable caller. */
const MAX_RETRY_AFTER_MS = 10_000;

function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

function retryAfterOf(headers: Record<string, string | string[] | undefined>): number | undefined {
  const ms = Number(first(headers['retry-after-ms']) ?? first(headers['x-ms-retry-after-ms']));
  if (Number.isFinite(ms) && ms >= 0) return ms;
  return parseRetryAfter(first(headers['retry-after']) ?? null, Date.now());
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseResource(text: string): ResourceResponse {
  if (!text) return {} as ResourceResponse;
  try {
    const parsed = JSON.parse(text) as unknown;
    return (parsed && typeof parsed === 'object' ? parsed : {}) as ResourceResponse;
  } catch {
    return {} as ResourceResponse;
  }
}

function errorFrom(status: number, text: string, method: string, path: string, retryAfterMs: number | undefined): BotConnectorError {
  let code: string | undefined;
  let message = `${method} ${path} answered HTTP ${status}`;
  try {
    const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof error?.code === 'string') code = error.code;
    if (typeof error?.message === 'string') message = `${message}: ${error.message.slice(0, 200)}`;
  } catch {
    // not JSON: the status says enough
  }
  return new BotConnectorError(message, status, code, undefined, retryAfterMs);
}

let agent: Dispatcher | undefined;
/**
 * One connection pool per process, shared by every service URL's client (undici keeps a pool per
 * origin). Like the library's pipeline, it honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY.
 */
function sharedAgent(): Dispatcher {
  agent ??= new EnvHttpProxyAgent({ keepAliveTimeout: 30_000, headersTimeout: 60_000, bodyTimeout: 60_000 });
  return agent;
}

/**
 * Routes a ConnectorClient's send, reply and update through `BotConnectorHttp`; calls with options
 * or a callback, and every other operation, stay with the library.
 */
export function withPlainJsonActivityCalls(client: ConnectorClient, http: BotConnectorHttp): ConnectorClient {
  const conversations = client.conversations;
  conversations.sendToConversation = routed(conversations.sendToConversation.bind(conversations), 2, (id, activity) =>
    http.sendToConversation(id as string, activity as Activity));
  conversations.replyToActivity = routed(conversations.replyToActivity.bind(conversations), 3, (id, activityId, activity) =>
    http.replyToActivity(id as string, activityId as string, activity as Activity));
  conversations.updateActivity = routed(conversations.updateActivity.bind(conversations), 3, (id, activityId, activity) =>
    http.updateActivity(id as string, activityId as string, activity as Activity));
  return client;
}

/** An operation that takes `plain` for its first `arity` arguments, and the library's own when options or a callback follow. */
function routed<F>(library: F, arity: number, plain: AnyCall): F {
  const own = library as unknown as AnyCall;
  const call: AnyCall = (...args) => (args.slice(arity).some((a) => a !== undefined) ? own(...args) : plain(...args.slice(0, arity)));
  return call as unknown as F;
}

type AnyCall = (...args: unknown[]) => unknown;
