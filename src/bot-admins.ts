import type { Directory } from './directory/directory.js';
import { BotError } from './domain/errors.js';
import type { Logger } from './domain/logger.js';

/** BOT_ADMINS entries (directory ids or mail addresses) split into the users found and the entries that name nobody. */
export async function resolveBotAdmins(entries: readonly string[], directory: Directory): Promise<{ ids: string[]; unknown: string[] }> {
  const found = await Promise.all(
    entries.map(async (entry) => (entry.includes('@') ? await directory.findUserByMail(entry) : await directory.getUser(entry))?.id),
  );
  return {
    ids: found.filter((id): id is string => Boolean(id)),
    unknown: entries.filter((_, index) => !found[index]),
  };
}

/**
 * Checked at start, once the directory is loaded: BOT_ADMINS naming nobody would leave requests
 * with no approver left (SPEC section 3) without anyone noticing, so it stops the start
 * (`config_invalid`); entries that name nobody beside ones that do are a warning.
 */
export async function checkBotAdmins(entries: readonly string[] | undefined, directory: Directory, logger: Logger): Promise<void> {
  if (!entries?.length) return;
  const { ids, unknown } = await resolveBotAdmins(entries, directory);
  if (!ids.length) {
    throw new BotError('config_invalid', `BOT_ADMINS: none of ${entries.map((e) => `"${e}"`).join(', ')} is a user in the directory (use directory ids or mail addresses)`);
  }
  if (unknown.length) logger.warn({ unknown }, 'BOT_ADMINS: some entries are not users in the directory and are ignored');
}
