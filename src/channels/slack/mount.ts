import type restify from 'restify';
import type { RestifySlackReceiver } from './receiver.js';

/** Slack's Request URL for events, interactivity and slash commands (SPEC section 5). */
export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * `POST /slack/events` on the bot's restify server. It is served before the server's body parser
 * (a `pre` handler that ends the chain): Slack signs the raw bytes, and a request must be refused
 * with 401 for its signature before anything tries to parse it. The channel authenticates its
 * callers by that signature, so with Slack configured the server may listen beyond loopback.
 */
export function slackMount(receiver: RestifySlackReceiver): { name: string; authenticated: boolean; mount(server: restify.Server): void; close(): Promise<void> } {
  return {
    name: 'slack',
    authenticated: true,
    mount(server) {
      server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
        if (req.method !== 'POST' || req.getPath() !== SLACK_EVENTS_PATH) return next();
        // The chain ends when the answer is sent; listeners may go on after it (Slack's 3-second ack).
        let ended = false;
        const end = () => {
          if (ended) return;
          ended = true;
          next(false);
        };
        res.once('finish', end);
        res.once('close', end);
        void receiver.handle(req, res).finally(end);
      });
    },
    close: () => receiver.stop(),
  };
}
