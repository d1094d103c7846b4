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
