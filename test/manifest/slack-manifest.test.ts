import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync(new URL('../../manifest/slack.json', import.meta.url), 'utf8'));

describe('Slack app manifest (manifest/slack.json)', () => {
  it('asks for the scopes the bot uses and no more', () => {
    // chat:write: chat.postMessage, chat.update; im:write: conversations.open; im:history: message.im;
    // app_mentions:read: app_mention; users:read + users:read.email: users.info, users.lookupByEmail; commands: /mailbox.
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(['app_mentions:read', 'chat:write', 'commands', 'im:history', 'im:write', 'users:read', 'users:read.email']);
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });

  it('sends events, interactivity and /mailbox to /slack/events', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(['app_home_opened', 'app_mention', 'message.im']);
    const urls = [manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url, ...manifest.features.slash_commands.map((c: { url: string }) => c.url)];
    for (const url of urls) expect(new URL(url).pathname).toBe('/slack/events');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(['/mailbox']);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('has the Home and Messages tabs, and a bot user', () => {
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false });
    expect(manifest.features.bot_user.display_name.length).toBeLessThanOrEqual(80);
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
  });
});
