import type { Server } from 'node:http';

/**
 * Counts the requests a server is answering, so a shutdown can wait for them before it closes
 * the listener: a turn that is sending its reply when SIGTERM comes finishes, and until then
 * the port stays open and answers `/readyz` with 503 (load balancers see "not ready", not
 * "refused").
 */
export class InFlightRequests {
  private count = 0;
  private waiters: (() => void)[] = [];

  constructor(server: Server) {
    server.on('request', (_req, res) => {
      this.count++;
      res.once('close', () => {
        if (--this.count === 0) this.release();
      });
    });
  }

  get size(): number {
    return this.count;
  }

  /** Resolves once no request is being answered (at once when none is). */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
