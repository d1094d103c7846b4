import type { Logger } from '../domain/logger.js';
import type { RefusalContext } from './refusals.js';
import type { Audience, Reply } from './types.js';
import type { Names } from './wording/names.js';

/** One message or click being answered: who, in which language, the replies so far, and what a refusal would be about. */
export interface Turn {
  userId: string;
  audience: Audience;
  names: Names;
  log: Logger;
  replies: Reply[];
  /** Set before each engine call, so a refusal names the operation, person and target it is about. */
  context: RefusalContext;
}

/** A logger that adds the turn's fields (never message text) to every line. */
export function turnLogger(logger: Logger, fields: Record<string, unknown>): Logger {
  return {
    debug: (obj, msg) => logger.debug({ ...fields, ...obj }, msg),
    info: (obj, msg) => logger.info({ ...fields, ...obj }, msg),
    warn: (obj, msg) => logger.warn({ ...fields, ...obj }, msg),
    error: (obj, msg) => logger.error({ ...fields, ...obj }, msg),
  };
}
