/**
 * Coded errors. The domain throws these; only the edge (a channel, the HTTP server)
 * turns a code into card text or an HTTP status.
 */
export const ERROR_CODES = [
  'invalid_request',
  'not_found',
  'not_an_approver',
  'not_allowed',
  'already_decided',
  'already_pending',
  'already_held',
  'conflict',
  'guest_not_allowed',
  'not_a_member',
  'wrong_tenant',
  'permission_service_unavailable',
  'permission_service_rejected',
  'directory_unavailable',
  'config_invalid',
  'timeout',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class BotError extends Error {
  readonly code: ErrorCode;
  /** Extra, safe-to-show facts (who decided, when, which entry...). */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BotError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isBotError(error: unknown, code?: ErrorCode): error is BotError {
  return error instanceof BotError && (code === undefined || error.code === code);
}
