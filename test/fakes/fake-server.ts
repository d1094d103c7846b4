import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Answer only after this long (a slow backend). */
  delayMs?: number;
}

export type Handler = (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>;

/**
 * A loopback HTTP server for fakes of Microsoft services. Every request is recorded; a request whose
 * shape is wrong is answered 400 and listed in `violations`, which tests assert to be empty.
 */
export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  /** Answers used before the handler, one per request (429s, 5xx, slow answers). */
  readonly faults: FakeAnswer[] = [];
  /** Requests being answered now, and the most at once (how many calls the clients overlap). */
  inFlight = 0;
  maxInFlight = 0;
  /** Every answer waits this long (a backend across the internet); 0 by default. */
  latencyMs = 0;
  private server?: Server;
  baseUrl = '';

  constructor(private readonly handler: Handler, private readonly name: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Records a shape error; the caller answers 400. */
  violation(message: string): FakeAnswer {
    this.violations.push(`${this.name}: ${message}`);
    return { status: 400, body: { error: { code: 'FakeViolation', message } } };
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    res.once('close', () => this.inFlight--);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.baseUrl);
    const recorded: RecordedRequest = { method: req.method ?? '', path: url.pathname, url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    this.requests.push(recorded);
    let answer: FakeAnswer;
    try {
      answer = this.faults.shift() ?? (await this.handler(recorded));
    } catch (error) {
      answer = { status: 500, body: { error: { code: 'FakeCrash', message: String(error) } } };
      this.violations.push(`${this.name}: handler crashed: ${String(error)}`);
    }
    const delayMs = (answer.delayMs ?? 0) + this.latencyMs;
    if (delayMs) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (res.destroyed || req.socket.destroyed) return;
    }
    const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status, { ...(body && typeof answer.body !== 'string' ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...answer.headers });
    res.end(body);
  }
}
