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
  'recipient_unreachable',
  'channel_unavailable',
  'store_unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes that name a passing condition: the same call may succeed later (Temporal's `nonRetryable`, inverted). */
const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set([
  'permission_service_unavailable',
  'directory_unavailable',
  'channel_unavailable',
  'store_unavailable',
  'timeout',
]);

export class BotError extends Error {
  readonly code: ErrorCode;
  /** Extra, safe-to-show facts (who decided, when, which entry...). */
  readonly details: Record<string, unknown>;
  /** Whether trying the same call again later may succeed; one retry policy reads it (`src/domain/retry-policy.ts`). */
  readonly retryable: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown>; retryable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BotError';
    this.code = code;
    this.details = options.details ?? {};
    this.retryable = options.retryable ?? RETRYABLE_CODES.has(code);
  }

  /** The service's Retry-After (ms), when it said one. */
  get retryAfterMs(): number | undefined {
    const value = this.details.retryAfterMs;
    return typeof value === 'number' && value >= 0 ? value : undefined;
  }
}

export function isBotError(error: unknown, code?: ErrorCode): error is BotError {
  return error instanceof BotError && (code === undefined || error.code === code);
}
