import { z } from 'zod';

/**
 * The fields of Slack's request bodies that Bolt and the bot's listeners read, checked before Bolt
 * sees a body. Bolt trusts them (`body.user.id`, `'action_id' in body.actions[0]`, `'user' in
 * event`): a signed body without them made it throw (HTTP 500) or log an error, and a slash command
 * without `user_id` reached `users.info` as `undefined`. Only what is read is required; every other
 * field stays as Slack sent it (the original object goes on to Bolt, not zod's output).
 * Sources: https://api.slack.com/reference/interaction-payloads/block-actions,
 * https://api.slack.com/reference/interaction-payloads/views,
 * https://api.slack.com/interactivity/slash-commands, https://api.slack.com/apis/events-api.
 */

/** A Slack id (user, team, channel, trigger...). */
const id = z.string().min(1).max(255);
const text = z.string().max(1_000_000);

/** `user` of an interaction payload; `team_id` names the workspace when `team` is null (org-wide installs). */
const payloadUser = z.object({ id, team_id: id.optional() });
/** `team` of an interaction payload: null for org-wide installs, then `user.team_id` names it. */
const payloadTeam = z.object({ id }).nullish();
/** Bolt reads `enterprise.id` when `enterprise` is present. */
const enterprise = z.object({ id: id.optional() }).nullish();

/** Bolt takes the workspace from `team.id`, else `user.team_id` (`view.app_installed_team_id` for views). */
function namesTeam(body: { team?: { id: string } | null; user: { team_id?: string | undefined }; view?: { app_installed_team_id?: string | undefined } }, ctx: z.core.$RefinementCtx) {
  if (!body.team?.id && !body.user.team_id && !body.view?.app_installed_team_id) {
    ctx.addIssue({ code: 'custom', path: ['team', 'id'], message: 'no workspace (team.id or user.team_id)' });
  }
}

/** Any interaction payload Bolt routes (it reads `user.id` and the team of every one). */
const interaction = z.object({ user: payloadUser, team: payloadTeam, enterprise }).superRefine(namesTeam);

/** `actions` as Bolt reads it: the first action is the listener's `action` (`action_id`, `type`, `value`). */
const actions = z.array(z.object({ action_id: id, type: z.string().optional(), value: z.string().optional(), block_id: z.string().optional() })).min(1).max(100);

const blockActions = z
  .object({ user: payloadUser, team: payloadTeam, enterprise, actions, trigger_id: id, container: z.object({ type: z.string() }).optional() })
  .superRefine(namesTeam);

/** A payload routed as an action that is not `block_actions` (legacy attachments, dialogs): Bolt still reads `actions[0]`. */
const otherAction = z
  .object({ user: payloadUser, team: payloadTeam, enterprise, actions: z.array(z.object({}).loose()).min(1).max(100).optional() })
  .superRefine(namesTeam);

const viewPayload = z
  .object({
    user: payloadUser,
    team: payloadTeam,
    enterprise,
    view: z.object({ id, callback_id: z.string().optional(), private_metadata: z.string().optional(), app_installed_team_id: id.optional(), state: z.object({}).loose().optional() }),
  })
  .superRefine(namesTeam);

/** Slash command form fields (every field a string; `text` is '' when nothing follows the command). */
const slashCommand = z.object({ user_id: id, team_id: id, command: z.string().regex(/^\/\S{1,80}$/), text, channel_id: id.optional(), trigger_id: id.optional(), enterprise_id: id.optional() });

/**
 * An Events API event. Bolt reads `user` (a string or an object), `channel` (a string or an object),
 * `item` and `subteam` with `in`, which throws on anything but an object.
 */
const anyEvent = z.object({
  type: z.string().min(1).max(255),
  user: z.union([id, z.object({}).loose()]).optional(),
  channel: z.union([id, z.object({}).loose()]).optional(),
  item: z.object({}).loose().optional(),
  subteam: z.object({}).loose().optional(),
});
/** The events the bot answers: what their listener reads must be strings. */
const messageEvent = z.object({ channel: id, ts: id, user: id.optional(), text: text.optional(), thread_ts: id.optional(), channel_type: z.string().optional(), subtype: z.string().optional() });
const homeOpenedEvent = z.object({ user: id, channel: id.optional(), tab: z.string().optional() });

const eventCallback = z.object({
  type: z.literal('event_callback'),
  team_id: id,
  event_id: id.optional(),
  event: anyEvent,
  authorizations: z.array(z.object({ team_id: id.nullish(), enterprise_id: id.nullish() })).optional(),
  enterprise_id: id.nullish(),
});

/** The receiver echoes `challenge` back: only a string is. */
const urlVerification = z.object({ challenge: z.string().min(1).max(1000) });

/**
 * Why `body` is not a request Slack sends, as `what: path: problem`, or undefined when it is one.
 * Bodies are classified as Bolt routes them (an `event` makes an event, a `command` a command,
 * then `name`, `actions`, shortcuts, views), so what is checked is what Bolt will read; a body Bolt
 * routes nowhere (a payload type added by Slack later) passes and is acknowledged unhandled.
 */
export function slackShapeProblem(body: Record<string, unknown>): string | undefined {
  const [what, schemas] = route(body);
  for (const schema of schemas) {
    const result = schema.safeParse(what === 'event_callback' && schema !== eventCallback ? body.event : body);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const path = [...(what === 'event_callback' && schema !== eventCallback ? ['event'] : []), ...issue.path.map(String)].join('.');
      return `${what}: ${path || '(body)'}: ${issue.message}`.slice(0, 200);
    }
  }
  return undefined;
}

function route(body: Record<string, unknown>): [string, z.ZodType[]] {
  const type = typeof body.type === 'string' ? body.type.slice(0, 64) : 'payload';
  if (body.event !== undefined) {
    const event = body.event as { type?: unknown } | null;
    const kind = typeof event === 'object' && event !== null ? event.type : undefined;
    const inner = kind === 'message' || kind === 'app_mention' ? [messageEvent] : kind === 'app_home_opened' ? [homeOpenedEvent] : [];
    return ['event_callback', [eventCallback, ...inner]];
  }
  if (body.command !== undefined) return ['slash command', [slashCommand]];
  if (body.name !== undefined || type === 'block_suggestion') return [type, [interaction]];
  if (body.actions !== undefined || type === 'dialog_submission') return [type, [type === 'block_actions' ? blockActions : otherAction]];
  if (type === 'shortcut' || type === 'message_action') return [type, [interaction]];
  if (type === 'view_submission' || type === 'view_closed') return [type, [viewPayload]];
  // Bolt routes by fields, not type: a block_actions or event_callback without them must not pass as unrouted.
  if (type === 'block_actions') return [type, [blockActions]];
  if (type === 'event_callback') return [type, [eventCallback]];
  if (type === 'url_verification') return [type, [urlVerification]];
  return [type, []];
}
