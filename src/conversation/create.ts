import type { Directory } from '../directory/directory.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import { rightsOnFrom } from '../language/rights-on.js';
import { cloudEndpoints, type Cloud } from '../permissions/clouds.js';
import type { PermissionService } from '../permissions/permission-service.js';
import type { VersionedStore } from '../store/versioned-store.js';
import { adminCenterUrl } from './admin-center.js';
import { Conversation } from './conversation.js';
import { StoredDrafts } from './drafts.js';
import type { ConversationEngine, Escape, UnderstandFn } from './types.js';

/** The parts of the built core a conversation needs (`src/app.ts`'s `App` has them all). */
export interface ConversationParts {
  engine: ConversationEngine;
  directory: Directory;
  store: VersionedStore;
  permissions: PermissionService;
  clock: Clock;
  logger: Logger;
  /** `CLOUD`: the admin-center links in "who has access" answers. */
  cloud: Cloud;
}

/**
 * The conversation as every channel builds it: drafts in the store, the admin center of the bot's
 * cloud, and revokes settled against the rights held now. `escape` is the channel's escaping of
 * user-supplied text (Teams: Markdown, the default).
 */
export function createConversation(parts: ConversationParts, understand: UnderstandFn, escape?: Escape): Conversation {
  const cloud = cloudEndpoints(parts.cloud);
  // One store of per-person conversation state: the open question and the last page shown.
  const state = new StoredDrafts(parts.store);
  return new Conversation({
    engine: parts.engine,
    directory: parts.directory,
    understand,
    drafts: state,
    pages: state,
    clock: parts.clock,
    logger: parts.logger,
    ...(escape ? { escape } : {}),
    adminCenterUrl: (kind) => adminCenterUrl(cloud, kind),
    rightsOn: rightsOnFrom(parts.directory, parts.permissions),
  });
}
