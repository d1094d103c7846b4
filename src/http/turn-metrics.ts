import type { Request, Response } from 'restify';
import type { Metrics, MetricsChannel, TurnOutcome } from '../domain/metrics.js';

/** The HTTP paths each channel receives its turns on (SPEC section 5). */
const CHANNEL_BY_PATH: Readonly<Record<string, MetricsChannel>> = { '/api/messages': 'teams', '/slack/events': 'slack' };

/** Requests whose turn logic threw (botbuilder's onTurnError then answers them with 200). */
const failedTurns = new WeakSet<Request>();

/**
 * Wraps a channel's turn logic so that a throw marks the request as failed for `TurnCounter`; the
 * error goes on unchanged. A channel mount calls it around its bot (Teams: `mount.ts`).
 */
export function observeTurn<C>(req: Request, logic: (context: C) => Promise<void>): (context: C) => Promise<void> {
  return async (context) => {
    try {
      await logic(context);
    } catch (error) {
      failedTurns.add(req);
      throw error;
    }
  };
}

/**
 * Counts turns at the HTTP edge (`Metrics.turn`): one per POST to a channel's path, by the status
 * answered, or `error` when the bot's logic threw (`observeTurn`). It reads only the path and the
 * status, never the activity, so no text or names reach a label.
 */
export class TurnCounter {
  constructor(private readonly metrics: Metrics) {}

  /** restify's `after` listener. */
  readonly after = (req: Request, res: Response): void => {
    const channel = CHANNEL_BY_PATH[req.getPath()];
    if (!channel || req.method !== 'POST') return;
    this.metrics.turn(channel, failedTurns.has(req) ? 'error' : outcomeOf(res.statusCode));
  };
}

function outcomeOf(status: number): TurnOutcome {
  if (status < 400) return 'ok';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'wrong_tenant';
  if (status === 503) return 'shutting_down';
  if (status < 500) return 'bad_request';
  return 'error';
}
