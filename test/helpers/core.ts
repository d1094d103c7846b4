import pino from 'pino';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { AuditEntry, AuditFilter } from '../../src/domain/engine-api.js';
import { ManualClock } from '../../src/domain/clock.js';
import { RecordingNotifier } from '../../src/domain/notifier.js';
import type { DurableStore } from '../../src/store/durable-store.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface CoreHarness extends App {
  clock: ManualClock;
  events: RecordingNotifier;
  /** Moves the clock and lets every due timer and delivery finish. */
  advance(ms: number): Promise<void>;
  /** Every audit entry matching the filter, oldest first (all pages). */
  trail(actorId: string, filter: AuditFilter): Promise<AuditEntry[]>;
}

/** The real core (engine, scheduler, simulated service, store) on the bundled sample directory and a manual clock. */
export async function coreHarness(
  env: Record<string, string> = {},
  options: { clock?: ManualClock; store?: DurableStore } = {},
): Promise<CoreHarness> {
  const config = loadConfig({ STORE: 'memory', PROPAGATION_WINDOW: '60m', SIMULATED_VISIBILITY_DELAY: '5m', ...env });
  const clock = options.clock ?? new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
  const app = await createApp(config, { clock, logger: pino({ level: 'silent' }), ...(options.store ? { store: options.store } : {}) });
  const events = new RecordingNotifier();
  app.notifiers.attach(events);
  return {
    ...app,
    clock,
    events,
    async advance(ms: number) {
      clock.advance(ms);
      await app.engine.idle();
    },
    async trail(actorId: string, filter: AuditFilter) {
      const entries: AuditEntry[] = [];
      let before: string | undefined;
      do {
        const page = await app.engine.audit(actorId, filter, { limit: 100, ...(before ? { before } : {}) });
        entries.push(...page.entries);
        before = page.next;
      } while (before);
      return entries.reverse();
    },
  };
}
