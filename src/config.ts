import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configProblems } from './config-rules.js';
import { BotError } from './domain/errors.js';

/** The bundled sample directory: the default DIRECTORY. */
export const SAMPLE_DIRECTORY_PATH = fileURLToPath(new URL('../directory/sample-directory.json', import.meta.url));

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Parses `90s`, `60m`, `24h`, `7d`, `1h30m`, `250ms` into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim().toLowerCase();
  if (!compact) return undefined;
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(compact); match; match = part.exec(compact)) {
    total += Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
    consumed = part.lastIndex;
  }
  return consumed === compact.length ? Math.round(total) : undefined;
}

const DAY_MS = 86_400_000;
/**
 * The longest a duration may be: a year and a day. Longer ones are typos (`99999999999d` passed
 * once, then broke date arithmetic past the year 275,760 and every card that showed a time).
 */
const MAX_DURATION_MS = 366 * DAY_MS;
/** The longest a deadline run with a Node timer may be: a day (a timer over 24.8 days fires at once). */
const MAX_DEADLINE_MS = DAY_MS;

/**
 * A duration variable; zero and negative values are refused unless `allowZero` (a delay that may be
 * none), and so are values over `max` (ms; default a year and a day).
 */
const duration = (fallback: string, options: { allowZero?: boolean; max?: number } = {}) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      if (value.trim().startsWith('-')) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is negative; use a positive duration such as 90s, 60m, 24h, 7d` });
        return z.NEVER;
      }
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration (use e.g. 90s, 60m, 24h, 7d)` });
        return z.NEVER;
      }
      if (ms === 0 && !options.allowZero) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is zero; use a positive duration such as 90s, 60m, 24h, 7d` });
        return z.NEVER;
      }
      const max = options.max ?? MAX_DURATION_MS;
      if (ms > max) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is longer than the ${max / DAY_MS === 1 ? 'day' : `${max / DAY_MS} days`} it may be at most` });
        return z.NEVER;
      }
      return ms;
    });

const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

/** A TCP port, 0-65535 (0: any free port); empty means `fallback`. Said in words, not as zod's "expected number, received NaN". */
const port = (fallback: number) =>
  z.preprocess(emptyToUndefined, z.union([z.string(), z.number()]).optional()).transform((value, ctx) => {
    if (value === undefined) return fallback;
    const text = String(value).trim();
    if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a port number (0-65535)` });
      return z.NEVER;
    }
    return Number(text);
  });

export type StoreConfig = { kind: 'sqlite'; path: string } | { kind: 'memory' } | { kind: 'redis'; url: string } | { kind: 'postgres'; url: string };
export type DirectoryConfig = { kind: 'file'; path: string } | { kind: 'graph' };
export type PermissionServiceConfig = { kind: 'simulated' } | { kind: 'exchange' } | { kind: 'remote'; url: string };

const storeSchema = z
  .string()
  .default('sqlite:./data/bot.sqlite')
  .transform((value, ctx): StoreConfig => {
    if (value === 'memory') return { kind: 'memory' };
    if (value.startsWith('sqlite:') && value.length > 'sqlite:'.length) return { kind: 'sqlite', path: value.slice('sqlite:'.length) };
    if (/^rediss?:\/\/./.test(value)) return { kind: 'redis', url: value };
    if (/^postgres(?:ql)?:\/\/./.test(value) && URL.canParse(value)) return { kind: 'postgres', url: value };
    ctx.addIssue({ code: 'custom', message: `"${value}" is not sqlite:PATH, memory, postgres://... or redis://...` });
    return z.NEVER;
  });

const directorySchema = z
  .preprocess(emptyToUndefined, z.string().default(`file:${SAMPLE_DIRECTORY_PATH}`))
  .transform((value, ctx): DirectoryConfig => {
    if (value === 'graph') return { kind: 'graph' };
    if (value.startsWith('file:') && value.length > 'file:'.length) return { kind: 'file', path: value.slice('file:'.length) };
    ctx.addIssue({ code: 'custom', message: `"${value}" is not file:PATH or graph` });
    return z.NEVER;
  });

const permissionServiceSchema = z
  .string()
  .default('simulated')
  .transform((value, ctx): PermissionServiceConfig => {
    if (value === 'simulated') return { kind: 'simulated' };
    if (value === 'exchange') return { kind: 'exchange' };
    if (/^https?:\/\/./.test(value)) return { kind: 'remote', url: value.replace(/\/+$/, '') };
    ctx.addIssue({ code: 'custom', message: `"${value}" is not simulated, exchange or an http(s) URL` });
    return z.NEVER;
  });

/** A comma-separated list; one of only commas and spaces (" , ") names nobody, which is refused rather than read as an empty list. */
const list = z.preprocess(emptyToUndefined, z.string().optional()).transform((value, ctx) => {
  if (value === undefined) return undefined;
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (!entries.length) {
    ctx.addIssue({ code: 'custom', message: `"${value}" names no entries (a comma-separated list; leave it unset for the default)` });
    return z.NEVER;
  }
  return entries;
});

/**
 * The whole environment (SPEC section 5, plus the backend settings), parsed once at start.
 * Nothing else in the code reads `process.env`.
 */
export const configSchema = z.object({
  PORT: port(3978),
  /** Interface to bind; empty means 127.0.0.1 without credentials and 0.0.0.0 with them. */
  HOST: optionalString,
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppType: z.preprocess(emptyToUndefined, z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional()),
  MicrosoftAppTenantId: optionalString,
  /** Certificate credentials instead of MicrosoftAppPassword (botbuilder's names): the thumbprint and the PEM private key. */
  CertificateThumbprint: optionalString,
  CertificatePrivateKey: optionalString,
  DIRECTORY: directorySchema,
  PERMISSION_SERVICE: permissionServiceSchema,
  STORE: storeSchema,
  PROPAGATION_WINDOW: duration('60m'),
  BOT_ADMINS: list,
  CLOUD: z.enum(['worldwide', 'gcchigh', 'dod', 'china']).default('worldwide'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** SIGTERM: how long running work may take to finish or be handed back before the process exits anyway. */
  SHUTDOWN_TIMEOUT: duration('25s', { max: MAX_DEADLINE_MS }),

  /**
   * How long a bot instance holds a piece of durable work without renewing it (it renews every third
   * of this while the work runs): work of an instance that died is taken over by another after at most this.
   */
  WORK_LEASE: duration('45s', { max: MAX_DEADLINE_MS }),
  /** Pending requests expire after this long. */
  REQUEST_EXPIRY: duration('7d'),
  /** Approvers get one reminder after this long. */
  APPROVER_REMINDER: duration('24h'),
  /**
   * A change Exchange still does not show after the window and its quick rechecks: the admins are
   * told, and the bot checks again this often...
   */
  LATE_CHECK_INTERVAL: duration('1h'),
  /** ...until this long after the apply (the last check runs then; after it the bot stops checking). */
  LATE_CHECK_UNTIL: duration('24h'),
  /** How long a simulated change takes to become visible to `check` (the simulated propagation). */
  // Unset: 5 minutes, or the propagation window when that is shorter (see `simulatedVisibilityDelay`), so a
  // demo with a short window behaves like production with a long one.
  SIMULATED_VISIBILITY_DELAY: z.preprocess(emptyToUndefined, duration('5m', { allowZero: true }).optional()),
  /** `warn`: group requests for non-members show a warning; `refuse`: they are refused. */
  GROUP_MEMBERSHIP_POLICY: z.enum(['warn', 'refuse']).default('warn'),

  /** Exchange Online / Graph app-only credentials (PERMISSION_SERVICE=exchange, DIRECTORY=graph). */
  AZURE_TENANT_ID: optionalString,
  AZURE_CLIENT_ID: optionalString,
  AZURE_CLIENT_SECRET: optionalString,
  AZURE_CLIENT_CERTIFICATE_PATH: optionalString,
  /** The tenant's initial domain for Exchange, e.g. contoso.onmicrosoft.com. */
  EXCHANGE_ORGANIZATION: optionalString,
  EXCHANGE_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(3),
  /** Per-attempt timeout of one Exchange admin API or Graph call (retried like a 503). */
  EXCHANGE_REQUEST_TIMEOUT: duration('60s', { max: MAX_DEADLINE_MS }),
  /** Overrides of the cloud's endpoints (tests, proxies). */
  EXCHANGE_BASE_URL: optionalString,
  LOGIN_BASE_URL: optionalString,
  GRAPH_BASE_URL: optionalString,

  /** Bearer token between the bot and a remote permission service, and for `npm run permission-service`. */
  PERMISSION_SERVICE_TOKEN: optionalString,
  PERMISSION_SERVICE_PORT: port(3980),

  /** Slack app credentials (Bolt's names): both set turn Slack on, both empty leave it off; one alone is refused. */
  SLACK_BOT_TOKEN: z.preprocess(emptyToUndefined, z.string().regex(/^xoxb-[\w-]+$/, 'must be a bot token (xoxb-...)').optional()),
  SLACK_SIGNING_SECRET: optionalString,
  /** Base URL of the Slack Web API, ending in `/api/` (tests point it at a loopback fake). */
  SLACK_API_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
      .default('https://slack.com/api/')
      .transform((url) => (url.endsWith('/') ? url : `${url}/`)),
  ),
}).superRefine((config, ctx) => {
  // Slack needs both: a token without a signing secret would accept nothing (every request fails the
  // signature check), a secret without a token would quietly start without Slack (/slack/events 404).
  if (config.SLACK_BOT_TOKEN && !config.SLACK_SIGNING_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'is required when SLACK_BOT_TOKEN is set (leave both empty to run without Slack)' });
  }
  if (config.SLACK_SIGNING_SECRET && !config.SLACK_BOT_TOKEN) {
    ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: 'is required when SLACK_SIGNING_SECRET is set (leave both empty to run without Slack)' });
  }
});

export type Config = z.output<typeof configSchema>;

/** Parses the environment; a bad value throws `config_invalid` naming the variable, on one line. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  const problems = parsed.success
    ? configProblems(parsed.data)
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  // Each problem names its variable; the edge prefixes the code (`config_invalid: PORT: ...`).
  if (!parsed.success || problems.length) throw new BotError('config_invalid', problems.join('; '));
  return parsed.data;
}

export function hasBotCredentials(config: Config): boolean {
  return Boolean(config.MicrosoftAppId);
}

/** How long the simulated service takes to show a change: as configured, else 5 minutes or the window if shorter. */
export function simulatedVisibilityDelay(config: Pick<Config, 'SIMULATED_VISIBILITY_DELAY' | 'PROPAGATION_WINDOW'>): number {
  return config.SIMULATED_VISIBILITY_DELAY ?? Math.min(5 * 60_000, config.PROPAGATION_WINDOW);
}

/** Slack is on when it has a bot token and a signing secret (`loadConfig` refuses one without the other). */
export function slackEnabled(config: Config): config is Config & { SLACK_BOT_TOKEN: string; SLACK_SIGNING_SECRET: string } {
  return Boolean(config.SLACK_BOT_TOKEN && config.SLACK_SIGNING_SECRET);
}
