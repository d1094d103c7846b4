import type { ConversationEngine, StatusItem } from '../../conversation/types.js';
import { Names, statusView, t } from '../../conversation/wording/index.js';
import type { Directory } from '../../directory/directory.js';
import { cap, context, divider, section, title, toned, type SlackBlock } from './blocks.js';
import { escapeSlack } from './escape.js';
import { langOfIdentity, zoneOfIdentity, type SlackIdentity } from './identity.js';

/** Requests shown per list; the Home tab holds at most 100 blocks. */
export const HOME_LIST_LIMIT = 20;

/**
 * The App Home tab (`views.publish`): "my requests" and "awaiting my decision", each request with
 * its state (and end, for a time-bound grant), phrased by the shared wording in the person's
 * language (directory preference, else Slack locale) and time zone (Slack profile: `zoneOfIdentity`).
 */
export function homeViewBuilder(deps: { engine: Pick<ConversationEngine, 'requestsOf' | 'awaitingDecisionBy'>; directory: Directory }) {
  return async (identity: SlackIdentity): Promise<Record<string, unknown>> => {
    const userId = identity.user.id;
    const lang = langOfIdentity(identity);
    const timeZone = zoneOfIdentity(identity);
    const audience = timeZone ? { lang, timeZone } : { lang };
    const names = new Names(deps.directory, escapeSlack);
    const [mine, awaiting] = await Promise.all([deps.engine.requestsOf(userId, { limit: HOME_LIST_LIMIT }), deps.engine.awaitingDecisionBy(userId)]);
    const [mineView, awaitingView] = await Promise.all([
      statusView(mine, [], names, audience),
      statusView(awaiting.slice(0, HOME_LIST_LIMIT), [], names, audience),
    ]);
    const blocks: SlackBlock[] = [
      { type: 'header', text: { type: 'plain_text', text: cap(t(lang, 'slack.home.title'), 150), emoji: true } },
      section(t(lang, 'slack.home.intro')),
      divider,
      title(t(lang, 'slack.home.mine')),
      ...items(mineView.items, t(lang, 'slack.home.noneMine')),
      divider,
      title(t(lang, 'slack.home.awaiting')),
      ...items(awaitingView.items, t(lang, 'slack.home.noneAwaiting')),
    ];
    if (awaiting.length > HOME_LIST_LIMIT) blocks.push(context(t(lang, 'slack.home.more', { count: awaiting.length - HOME_LIST_LIMIT })));
    return { type: 'home', blocks };
  };
}

function items(list: readonly StatusItem[], empty: string): SlackBlock[] {
  if (list.length === 0) return [context(empty)];
  return list.map((item) => section([`*${item.title}*`, toned(item.status), item.ends].filter(Boolean).join('\n')));
}
