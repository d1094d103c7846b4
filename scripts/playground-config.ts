/** A person as the Microsoft 365 Agents Playground shows them. */
export interface PlaygroundUser {
  /** Used as the playground's user id and as aadObjectId, so a chat the bot opens with the object id belongs to that user. */
  aad: string;
  name: string;
  mail: string;
}

const quote = (value: string) => JSON.stringify(value);

function userLines(user: PlaygroundUser, first: string, rest: string): string[] {
  const [given, ...family] = user.name.split(' ');
  return [
    `${first}id: ${quote(user.aad)}`,
    `${rest}name: ${quote(user.name)}`,
    `${rest}userPrincipleName: ${quote(user.mail)}`,
    `${rest}aadObjectId: ${quote(user.aad)}`,
    `${rest}givenName: ${quote(given ?? user.name)}`,
    `${rest}surname: ${quote(family.join(' ') || '-')}`,
    `${rest}email: ${quote(user.mail)}`,
  ];
}

/**
 * The playground's `.m365agentsplayground.yml`: the tenant and people of our directory, so
 * `from.aadObjectId` and `conversation.tenantId` are what the bot expects. The playground wants
 * exactly five other users.
 */
export function playgroundConfigYaml(options: { tenantId: string; me: PlaygroundUser; others: PlaygroundUser[]; personalChatId: string }): string {
  if (options.others.length !== 5) throw new Error('the Agents Playground wants exactly five other users');
  return [
    'version: "0.1.1"',
    `tenantId: ${quote(options.tenantId)}`,
    'bot:',
    '  id: "00000000-0000-0000-0000-00000000b0b1"',
    '  name: "Mailbox access"',
    'currentUser:',
    ...userLines(options.me, '  ', '  '),
    'users:',
    ...options.others.flatMap((u) => userLines(u, '  - ', '    ')),
    'personalChat:',
    `  id: ${quote(options.personalChatId)}`,
    'groupChat:',
    '  id: "group-chat"',
    '  name: "Group Chat"',
    'team:',
    '  id: "team"',
    '  name: "My Team"',
    '  aadGroupId: "00000000-0000-0000-0000-000000000031"',
    '  channels:',
    '    - id: "channel-announcements"',
    '      name: "Announcements"',
    '',
  ].join('\n');
}

/**
 * Whether the playground can open a browser tab itself. It calls `xdg-open` on Linux (and the
 * other Unixes but macOS), and exits with only `spawn xdg-open ENOENT` in its log file when that
 * fails: on a machine without a display (SSH, a container) or without xdg-open, it must be told not
 * to (`TEAMSAPPTESTER_BROWSER=none`), and the person opens the URL themselves. `noBrowser` is the
 * `--no-browser` flag; a `TEAMSAPPTESTER_BROWSER` already set is the person's own choice.
 */
export function canOpenBrowser(options: { platform: NodeJS.Platform; env: NodeJS.ProcessEnv; noBrowser: boolean; hasCommand: (name: string) => boolean }): boolean {
  const { platform, env } = options;
  if (options.noBrowser || env.TEAMSAPPTESTER_BROWSER === 'none') return false;
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY) && options.hasCommand('xdg-open');
}

/** The last `lines` non-empty lines of a log file's text (the reason a process exited is at its end). */
export function logTail(text: string, lines = 20): string {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .slice(-lines)
    .join('\n');
}
