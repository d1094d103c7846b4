import type { Lang } from '../../conversation/types.js';
import { langOf } from '../../conversation/wording/index.js';
import type { Directory, DirectoryUser } from '../../directory/directory.js';
import type { Clock } from '../../domain/clock.js';
import { isBotError } from '../../domain/errors.js';
import { requesterZone } from '../../domain/time.js';
import type { SlackUserInfo, SlackWebApi } from './web-api.js';
import type { SlackWorkspace, WorkspaceInfo } from './workspace.js';

/** The person's language for words nobody phrased yet: their directory preference, else their Slack locale (as `SlackMessaging` does). */
export function langOfIdentity(identity: SlackIdentity): Lang {
  return langOf(identity.user.preferredLanguage) ?? langOf(identity.locale) ?? 'en';
}

/**
 * The zone their cards, Home tab and notices are written in, as the conversation writes their replies
 * (`requesterZone`): the profile's `tz` when this runtime knows it, else its `tz_offset` as a fixed
 * offset ("+01:00"), else the `tz` as given (shown as UTC).
 */
export function zoneOfIdentity(identity: SlackIdentity): string | undefined {
  return requesterZone(identity.timeZone, identity.utcOffsetMinutes) ?? identity.timeZone;
}

/** A Slack user the bot serves: the directory user whose `mail` is their profile email. */
export interface SlackIdentity {
  slackUserId: string;
  user: DirectoryUser;
  /** Slack's locale for the user (`nl-NL`), from `users.info` with `include_locale`. */
  locale?: string;
  /** The IANA time zone of their Slack profile (`Europe/Amsterdam`). */
  timeZone?: string;
  /** Their clock's offset from UTC now, in minutes (Slack's `tz_offset`, in seconds, includes daylight saving). */
  utcOffsetMinutes?: number;
}

/**
 * Why a Slack user is not served:
 * - `other_workspace`: the request, or the user, belongs to another workspace than the bot's
 *   (`users.info` shows them as such, or answers `user_not_visible`);
 * - `unknown_user`: Slack knows no such user (`users.info` answers `user_not_found`, or no user);
 * - `guest`: a multi-channel (`is_restricted`) or single-channel (`is_ultra_restricted`) guest;
 * - `deleted`: a deactivated account; `bot`: another app or bot user;
 * - `no_email`: the profile shows no email (the app lacks `users:read.email`, or none is set);
 * - `not_in_directory`: no directory user has that email.
 */
export type IdentityRefusal = 'other_workspace' | 'unknown_user' | 'guest' | 'deleted' | 'bot' | 'no_email' | 'not_in_directory';

export type IdentityOutcome =
  | { known: true; identity: SlackIdentity }
  | { known: false; refusal: IdentityRefusal; locale?: string; name?: string };

/** How long a `users.info` answer is trusted (a deactivation or a new email shows within this). */
export const IDENTITY_TTL_MS = 5 * 60_000;

/**
 * Maps verified Slack user ids to directory users (SPEC section 5, "Slack identity"): `users.info`
 * gives the profile email, workspace, guest and deleted flags, locale and time zone; the directory
 * user is the one whose `mail` equals that email. Answers are kept for `IDENTITY_TTL_MS` per user,
 * refusals included. Slack being unreachable throws `BotError('channel_unavailable')`.
 */
export class SlackIdentities {
  private readonly cache = new Map<string, { outcome: IdentityOutcome; at: number }>();

  constructor(
    private readonly deps: { api: SlackWebApi; directory: Directory; workspace: SlackWorkspace; clock: Clock; ttlMs?: number },
  ) {}

  /**
   * Who `slackUserId` is. `requestTeamId` is the workspace the request came from (the event's
   * `team_id`, the payload's `team.id`); a request from any other workspace than the bot's is
   * refused without asking Slack about the user.
   */
  async resolve(slackUserId: string, requestTeamId: string | undefined): Promise<IdentityOutcome> {
    const workspace = await this.deps.workspace.get();
    if (requestTeamId !== undefined && requestTeamId !== workspace.teamId) return { known: false, refusal: 'other_workspace' };
    const now = this.deps.clock.now();
    const cached = this.cache.get(slackUserId);
    if (cached && now - cached.at < (this.deps.ttlMs ?? IDENTITY_TTL_MS)) return cached.outcome;
    const outcome = await this.lookUp(slackUserId, workspace.teamId, workspace.enterpriseId);
    if (this.cache.size > 20_000) this.cache.clear();
    this.cache.set(slackUserId, { outcome, at: now });
    return outcome;
  }

  private async lookUp(slackUserId: string, teamId: string, enterpriseId: string | undefined): Promise<IdentityOutcome> {
    let info;
    try {
      info = await this.deps.api.usersInfo(slackUserId);
    } catch (error) {
      // `user_not_found`: Slack knows no such user; anything else unreachable (`user_not_visible`):
      // Slack does not show users of other workspaces (outside a shared channel) to this token.
      if (isBotError(error, 'recipient_unreachable')) return { known: false, refusal: error.details.slackError === 'user_not_found' ? 'unknown_user' : 'other_workspace' };
      throw error;
    }
    const user = info.user;
    if (!user) return { known: false, refusal: 'unknown_user' };
    const locale = typeof user.locale === 'string' ? user.locale : undefined;
    // The name Slack shows for them (a mention of someone the bot does not serve is answered with it).
    const name = user.profile?.display_name || user.real_name || user.profile?.real_name || undefined;
    const refused = (refusal: IdentityRefusal): IdentityOutcome => ({ known: false, refusal, ...(locale ? { locale } : {}), ...(name ? { name } : {}) });
    if (!inWorkspace(user, { teamId, ...(enterpriseId ? { enterpriseId } : {}) })) return refused('other_workspace');
    if (user.deleted) return refused('deleted');
    if (user.is_bot || user.id === 'USLACKBOT') return refused('bot');
    if (user.is_restricted || user.is_ultra_restricted) return refused('guest');
    const email = user.profile?.email;
    if (!email) return refused('no_email');
    const directoryUser = await this.deps.directory.findUserByMail(email);
    if (!directoryUser) return refused('not_in_directory');
    const identity: SlackIdentity = { slackUserId, user: directoryUser };
    if (locale) identity.locale = locale;
    if (typeof user.tz === 'string' && user.tz) identity.timeZone = user.tz;
    if (typeof user.tz_offset === 'number' && Number.isFinite(user.tz_offset)) identity.utcOffsetMinutes = Math.round(user.tz_offset / 60);
    return { known: true, identity };
  }

  /** The identity already known for `slackUserId` (no Slack call), if any. */
  peek(slackUserId: string): SlackIdentity | undefined {
    const cached = this.cache.get(slackUserId);
    return cached?.outcome.known ? cached.outcome.identity : undefined;
  }

  /** Drops what is known of a user (after Slack said they are gone). */
  forget(slackUserId: string): void {
    this.cache.delete(slackUserId);
  }
}

/** Whether a Slack user is a member of the bot's workspace (or, on Enterprise Grid, of its organisation). */
export function inWorkspace(user: Pick<SlackUserInfo, 'team_id' | 'enterprise_user'>, workspace: Pick<WorkspaceInfo, 'teamId' | 'enterpriseId'>): boolean {
  if (user.team_id === workspace.teamId) return true;
  return workspace.enterpriseId !== undefined && user.enterprise_user?.enterprise_id === workspace.enterpriseId;
}
