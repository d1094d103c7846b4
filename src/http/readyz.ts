import type { Request, Response } from 'restify';

/** Why the process cannot take work now, as `GET /readyz` answers it. */
export type NotReadyReason = 'shutting_down' | 'store_unavailable';

/**
 * What `GET /readyz` decides from: whether the process is shutting down (set once, at SIGTERM),
 * and a cheap read of the store. Load balancers send traffic only to instances that answer 200.
 */
export class Readiness {
  private draining = false;

  /**
   * @param probeStore a cheap read of the store (one key by id); it must settle or be slow, not hang
   *   forever (the probe gives up after `timeoutMs` either way).
   * @param timeoutMs how long a probe may take before the store counts as unavailable.
   */
  constructor(
    private readonly probeStore: () => Promise<unknown>,
    private readonly timeoutMs = 2_000,
  ) {}

  /** The process stops taking work: readyz answers 503 from now on. Cannot be undone. */
  beginShutdown(): void {
    this.draining = true;
  }

  get shuttingDown(): boolean {
    return this.draining;
  }

  /** `undefined` when ready, else the reason. */
  async check(): Promise<NotReadyReason | undefined> {
    if (this.draining) return 'shutting_down';
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.timeoutMs)));
    try {
      const answer = await Promise.race([this.probeStore().then(() => 'ok' as const), timedOut]);
      if (this.draining) return 'shutting_down';
      return answer === 'ok' ? undefined : 'store_unavailable';
    } catch {
      return 'store_unavailable';
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `GET /readyz`: 200 `{"status":"ready"}`, or 503 `{"status":"not_ready","reason":...}`. Never cached. */
export function readyzRoute(readiness: Readiness) {
  return async (_req: Request, res: Response): Promise<void> => {
    const reason = await readiness.check();
    res.header('cache-control', 'no-store');
    if (reason) res.send(503, { status: 'not_ready', reason });
    else res.send(200, { status: 'ready' });
  };
}
