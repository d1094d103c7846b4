import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, HTTPResponseAck, verifySlackRequest, type App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.js';
import { oversizedBodyFields } from '../../http/oversized-body.js';
import { isSslCheck, MalformedSlackBody, parseSlackBody } from './request-body.js';

/** Slack's window for `X-Slack-Request-Timestamp`: older (or newer) requests are refused as replays. */
export const SIGNATURE_MAX_AGE_MS = 5 * 60_000;
/** Largest body read from Slack; Slack's own payloads stay far below it. */
export const SLACK_BODY_LIMIT_BYTES = 1_048_576;

/** A request as restify leaves it: the body may already be read into `rawBody` (string) or `body`. */
type MaybeReadRequest = IncomingMessage & { rawBody?: unknown; body?: unknown };

/** Why a request was refused before Bolt saw it (logged; the HTTP answer says nothing more). */
export type RefusalReason = 'unsigned' | 'stale' | 'bad_signature' | 'too_large' | 'malformed';

/**
 * Bolt's receiver for the bot's own HTTP server (after Bolt's `HTTPReceiver`, which owns a server of
 * its own): `handle(req, res)` serves `POST /slack/events` for events, interactivity and slash
 * commands. It checks Slack's v0 signature over the raw body and a timestamp within 5 minutes of
 * the clock (401, nothing runs, otherwise), answers `url_verification` and `ssl_check`, then hands
 * the request to `App.processEvent` with Bolt's `HTTPResponseAck`: events are acknowledged by Bolt
 * before any listener runs, actions and commands by their listener's first `ack()`. A signed body
 * that is none of Slack's shapes gets 400 with a short reason; one no listener acknowledged (a
 * payload type or callback the bot does not handle) is acknowledged with 200 once Bolt is done with
 * it, and ignored (Slack would otherwise show an error, and Bolt answer 404 after 3 s). Listeners
 * may run on after the answer; `stop()` waits for them.
 */
export class RestifySlackReceiver implements Receiver {
  private app?: App;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly options: { signingSecret: string; clock: Clock; logger: Logger; bodyLimitBytes?: number },
  ) {}

  init(app: App): void {
    this.app = app;
  }

  /** The bot's server is started by the bot; nothing to do here. */
  async start(): Promise<void> {}

  /** Waits for listeners still running after their request was answered. */
  async stop(): Promise<void> {
    await this.idle();
  }

  /** Resolves once every request taken so far has finished, listeners included. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** The `/slack/events` route. Never throws; every outcome is an HTTP answer. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const work = this.process(req as MaybeReadRequest, res);
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  private async process(req: MaybeReadRequest, res: ServerResponse): Promise<void> {
    const log = this.options.logger;
    const limitBytes = this.options.bodyLimitBytes ?? SLACK_BODY_LIMIT_BYTES;
    let body: Buffer;
    try {
      body = await readBody(req, limitBytes);
    } catch {
      // The rest of the body is still unread on the socket: kept alive, the connection's next request
      // would be parsed from it and reset. Closing it after this answer is what clients expect of a 413.
      res.setHeader('connection', 'close');
      log.warn(oversizedBodyFields(req, limitBytes), 'slack request refused');
      return answer(res, 413);
    }
    // Slack's certificate check arrives unsigned; it is answered and nothing else in it is read.
    if (isSslCheck(body, req.headers['content-type'])) return answer(res, 200);
    const refusal = this.verify(req, body);
    if (refusal) return this.refuse(res, 401, refusal);

    let parsed: Record<string, unknown>;
    try {
      parsed = parseSlackBody(body, req.headers['content-type']);
    } catch (error) {
      const reason = error instanceof MalformedSlackBody ? error.message : 'unreadable body';
      return this.refuse(res, 400, 'malformed', reason);
    }
    if (parsed.type === 'url_verification') return answer(res, 200, { challenge: parsed.challenge });

    const ack = new HTTPResponseAck({ logger: boltLogger(log), processBeforeResponse: false, httpRequest: req as never, httpRequestBody: parsed, httpResponse: res });
    const boltAck = ack.bind();
    let acknowledged = false;
    const retryNum = Number(header(req, 'x-slack-retry-num'));
    const event: ReceiverEvent = {
      body: parsed,
      ack: (response) => {
        acknowledged = true;
        return boltAck(response);
      },
      ...(Number.isInteger(retryNum) ? { retryNum, retryReason: header(req, 'x-slack-retry-reason') ?? '' } : {}),
    };
    try {
      if (!this.app) throw new Error('receiver used before App.init');
      await this.app.processEvent(event);
      // Bolt has run every listener: nobody acknowledges this request any more.
      if (!acknowledged && !res.headersSent) {
        ack.ack();
        log.debug({ type: String(parsed.type ?? parsed.command ?? '').slice(0, 64) }, 'slack request not handled: acknowledged and ignored');
        answer(res, 200);
      }
    } catch (error) {
      log.error({ err: error instanceof Error ? error.message : String(error) }, 'slack request failed');
      if (!res.headersSent) {
        ack.ack();
        answer(res, 500);
      }
    }
  }

  /** Slack's request signing: v0 HMAC-SHA256 of `v0:timestamp:body`, timestamp within 5 minutes. */
  private verify(req: IncomingMessage, body: Buffer): RefusalReason | undefined {
    const signature = header(req, 'x-slack-signature');
    const timestamp = header(req, 'x-slack-request-timestamp');
    if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return 'unsigned';
    const now = this.options.clock.now();
    if (Math.abs(now - Number(timestamp) * 1000) > SIGNATURE_MAX_AGE_MS) return 'stale';
    try {
      verifySlackRequest({
        signingSecret: this.options.signingSecret,
        body: body.toString('utf8'),
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) },
        nowMilliseconds: now,
      });
      return undefined;
    } catch {
      return 'bad_signature';
    }
  }

  /** Refuses a request; only a signed one (`detail`, for 400) is told why, the others get an empty answer. */
  private refuse(res: ServerResponse, status: number, reason: RefusalReason, detail?: string): void {
    this.options.logger.warn({ status, reason, ...(detail ? { detail } : {}) }, 'slack request refused');
    answer(res, status, detail ? { error: detail } : undefined);
  }
}

/** The raw bytes Slack signed: read here, or recovered from what restify's body parser kept. */
async function readBody(req: MaybeReadRequest, limit: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
  if (typeof req.rawBody === 'string') return Buffer.from(req.rawBody, 'utf8');
  if (Buffer.isBuffer(req.body)) return req.body;
  if (typeof req.body === 'string') return Buffer.from(req.body, 'utf8');
  return (await HTTPModuleFunctions.bufferIncomingMessage(req, limit)).rawBody;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function answer(res: ServerResponse, status: number, json?: unknown): void {
  if (res.headersSent) return;
  if (json === undefined) {
    res.writeHead(status);
    res.end();
  } else {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(json));
  }
}

/** Bolt's warning for a body of a type it has no listener kind for: the receiver acknowledges those and logs them at debug. */
const BOLT_UNROUTED = 'Could not determine the type of an incoming event';

/**
 * Bolt's logger interface over pino. Bolt's debug lines carry request bodies (message text), which
 * the bot's logs never hold, so they are dropped; its warning for a type it cannot route is debug.
 */
export function boltLogger(logger: Logger): import('@slack/bolt').Logger {
  let level = 'info';
  const join = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
  return {
    debug: () => undefined,
    info: (...msg: unknown[]) => logger.info(join(msg)),
    warn: (...msg: unknown[]) => {
      const text = join(msg);
      if (text.startsWith(BOLT_UNROUTED)) logger.debug(text);
      else logger.warn(text);
    },
    error: (...msg: unknown[]) => logger.error(join(msg)),
    setLevel: (l: string) => {
      level = l;
    },
    getLevel: () => level as never,
    setName: () => undefined,
  };
}
