import { z } from 'zod';
import { BotError, ERROR_CODES, type ErrorCode } from '../domain/errors.js';
import { RIGHTS } from '../domain/rights.js';
import { MAIL_ADDRESS } from './validate.js';

/** Wire format of the shared permission service (docs/permission-service.openapi.yaml). */
export const API_PREFIX = '/v1';

const id = z.string().min(1).max(256);
const mail = z.string().max(320).regex(MAIL_ADDRESS, 'must be a mail address');
export const targetSchema = z.strictObject({ id, kind: z.enum(['user', 'shared', 'group']), mail });
export const trusteeSchema = z.strictObject({ id, mail });
export const rightSchema = z.enum(RIGHTS);

export const grantBody = z.strictObject({ target: targetSchema, trustee: trusteeSchema, right: rightSchema, options: z.strictObject({ autoMapping: z.boolean().optional() }).optional() });
export const revokeBody = z.strictObject({ target: targetSchema, trustee: trusteeSchema, right: rightSchema });
export const checkBody = revokeBody;
export const delegatesBody = z.strictObject({ target: targetSchema, right: rightSchema.optional() });
export const holdingsBody = z.strictObject({ trustee: trusteeSchema, candidates: z.array(targetSchema).max(5000) });

/** BotError code -> HTTP status, and back (the remote client). */
export const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  invalid_request: 400,
  not_found: 404,
  conflict: 409,
  guest_not_allowed: 400,
  permission_service_rejected: 422,
  permission_service_unavailable: 503,
  timeout: 504,
  config_invalid: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BotError('invalid_request', `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}
