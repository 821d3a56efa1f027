/**
 * Mail settings from the config file (`mail:` section) overlaid by `SMART_ONBOARD_*`
 * environment variables. Secrets come only from the environment or files it names.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MailConfigError } from './errors.js';
import type { MailerOptions, SmtpAuth } from './mailer-options.js';

/** The `mail` section of `smart-onboard.config.{json,yaml}` (no secrets in it). */
export const mailConfigSchema = z
  .object({
    /** `smtp://user@host:587` or `smtps://host:465`; the password belongs in the environment. */
    smtpUrl: z.string().optional(),
    from: z.string().optional(),
    replyTo: z.string().optional(),
    /** Directory with your own templates (same names win, new names are added). */
    templatesDir: z.string().optional(),
    /** Language for rows without one. @default 'en' */
    defaultLocale: z.string().optional(),
    /** @default 'UTC' */
    timeZone: z.string().optional(),
    /** Where expired-notice and run-summary go. */
    opsEmail: z.array(z.string()).or(z.string()).optional(),
    /** Days before expiry to remind the customer. @default [30, 14, 3] */
    reminderDays: z.array(z.number().int().positive()).optional(),
    requireTLS: z.boolean().optional(),
    maxConnections: z.number().int().positive().optional(),
    /** Messages per second; 0 turns the limit off. @default 100 */
    rateLimit: z.number().nonnegative().optional(),
    oauth2: z
      .object({
        user: z.string(),
        clientId: z.string().optional(),
        accessUrl: z.string().optional(),
      })
      .optional(),
    dkim: z
      .object({ domainName: z.string(), keySelector: z.string(), privateKeyFile: z.string() })
      .optional(),
  })
  .strict();
export type MailConfig = z.infer<typeof mailConfigSchema>;

type Env = Record<string, string | undefined>;

const DEFAULT_REMINDER_DAYS = [30, 14, 3];

function positiveInt(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new MailConfigError(`${name}="${raw}" must be a non-negative number`);
  return n;
}

function secretFile(env: Env, name: string): string | undefined {
  const direct = env[name];
  if (direct !== undefined && direct !== '') return direct;
  const file = env[`${name}_FILE`];
  if (file === undefined || file === '') return undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new MailConfigError(
      `${name}_FILE names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

function oauth2(env: Env, config: MailConfig): SmtpAuth | undefined {
  const accessToken = secretFile(env, 'SMART_ONBOARD_SMTP_OAUTH2_ACCESS_TOKEN');
  const refreshToken = secretFile(env, 'SMART_ONBOARD_SMTP_OAUTH2_REFRESH_TOKEN');
  const clientSecret = secretFile(env, 'SMART_ONBOARD_SMTP_OAUTH2_CLIENT_SECRET');
  if (accessToken === undefined && refreshToken === undefined) return undefined;
  const user = env['SMART_ONBOARD_SMTP_USER'] ?? config.oauth2?.user;
  if (user === undefined)
    throw new MailConfigError(
      'OAuth2 for SMTP needs the mailbox user — set SMART_ONBOARD_SMTP_USER',
    );
  const clientId = env['SMART_ONBOARD_SMTP_OAUTH2_CLIENT_ID'] ?? config.oauth2?.clientId;
  const accessUrl = env['SMART_ONBOARD_SMTP_OAUTH2_TOKEN_URL'] ?? config.oauth2?.accessUrl;
  return {
    type: 'oauth2',
    user,
    ...(accessToken !== undefined ? { accessToken } : {}),
    ...(refreshToken !== undefined ? { refreshToken } : {}),
    ...(clientSecret !== undefined ? { clientSecret } : {}),
    ...(clientId !== undefined ? { clientId } : {}),
    ...(accessUrl !== undefined ? { accessUrl } : {}),
  };
}

/**
 * Mailer options from the environment (and the config file's `mail` section, which the
 * environment overrides). See the README for every variable.
 * @throws MailConfigError when the relay or the sender is missing or malformed.
 */
export function smtpOptionsFromEnv(env: Env = process.env, config: MailConfig = {}): MailerOptions {
  const url = env['SMART_ONBOARD_SMTP_URL'] || config.smtpUrl;
  if (url === undefined) {
    throw new MailConfigError(
      'no SMTP relay configured — set SMART_ONBOARD_SMTP_URL=smtp://user:password@host:587 (smtps:// for TLS on 465)',
    );
  }
  const from = env['SMART_ONBOARD_MAIL_FROM'] || config.from;
  if (from === undefined) {
    throw new MailConfigError(
      'no sender configured — set SMART_ONBOARD_MAIL_FROM="Distribution GmbH <ops@distribution.example>"',
    );
  }
  const options: MailerOptions = { url, from };
  const replyTo = env['SMART_ONBOARD_MAIL_REPLY_TO'] || config.replyTo;
  if (replyTo) options.replyTo = replyTo;
  const auth = oauth2(env, config);
  const password = secretFile(env, 'SMART_ONBOARD_SMTP_PASSWORD');
  if (auth !== undefined) options.auth = auth;
  else if (password !== undefined) {
    const user = env['SMART_ONBOARD_SMTP_USER'] ?? decodeURIComponent(new URL(url).username);
    if (user === '')
      throw new MailConfigError(
        'SMART_ONBOARD_SMTP_PASSWORD is set but no user — set SMART_ONBOARD_SMTP_USER',
      );
    options.auth = { type: 'password', user, pass: password };
  }
  const requireTLS = env['SMART_ONBOARD_SMTP_REQUIRE_TLS'];
  if (requireTLS !== undefined && requireTLS !== '')
    options.requireTLS = /^(1|true|yes)$/i.test(requireTLS);
  else if (config.requireTLS !== undefined) options.requireTLS = config.requireTLS;
  const maxConnections =
    positiveInt(env, 'SMART_ONBOARD_SMTP_MAX_CONNECTIONS') ?? config.maxConnections;
  if (maxConnections !== undefined)
    options.maxConnections = Math.max(1, Math.floor(maxConnections));
  const rate = positiveInt(env, 'SMART_ONBOARD_SMTP_RATE_LIMIT') ?? config.rateLimit;
  if (rate !== undefined) options.rateLimit = rate === 0 ? false : { messages: rate, perMs: 1000 };
  const keyFile = env['SMART_ONBOARD_DKIM_PRIVATE_KEY_FILE'] ?? config.dkim?.privateKeyFile;
  const domainName = env['SMART_ONBOARD_DKIM_DOMAIN'] ?? config.dkim?.domainName;
  const keySelector = env['SMART_ONBOARD_DKIM_SELECTOR'] ?? config.dkim?.keySelector;
  if (domainName !== undefined || keySelector !== undefined || keyFile !== undefined) {
    const privateKey = secretFile(
      { ...env, SMART_ONBOARD_DKIM_PRIVATE_KEY_FILE: keyFile },
      'SMART_ONBOARD_DKIM_PRIVATE_KEY',
    );
    if (domainName === undefined || keySelector === undefined || privateKey === undefined) {
      throw new MailConfigError(
        'DKIM needs SMART_ONBOARD_DKIM_DOMAIN, SMART_ONBOARD_DKIM_SELECTOR and SMART_ONBOARD_DKIM_PRIVATE_KEY_FILE',
      );
    }
    options.dkim = { domainName, keySelector, privateKey };
  }
  return options;
}

/** Template and scheduling settings: the parts of the mail config that are not SMTP. */
export interface NotifySettings {
  templatesDir?: string;
  defaultLocale: string;
  timeZone: string;
  opsEmail: string[];
  reminderDays: number[];
}

/** {@link NotifySettings} from the config file overlaid by the environment. */
export function notifySettingsFromEnv(
  env: Env = process.env,
  config: MailConfig = {},
): NotifySettings {
  const ops = env['SMART_ONBOARD_OPS_EMAIL'] ?? config.opsEmail ?? [];
  const reminder = env['SMART_ONBOARD_REMINDER_DAYS'];
  const days = reminder
    ? reminder
        .split(/[,\s]+/)
        .filter(Boolean)
        .map(Number)
    : (config.reminderDays ?? DEFAULT_REMINDER_DAYS);
  if (days.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new MailConfigError(
      `SMART_ONBOARD_REMINDER_DAYS="${reminder}" must be whole days like 30,14,3`,
    );
  }
  const templatesDir = env['SMART_ONBOARD_TEMPLATES_DIR'] || config.templatesDir;
  return {
    ...(templatesDir ? { templatesDir } : {}),
    defaultLocale: env['SMART_ONBOARD_LOCALE'] || config.defaultLocale || 'en',
    timeZone: env['SMART_ONBOARD_TIME_ZONE'] || config.timeZone || 'UTC',
    opsEmail: (Array.isArray(ops) ? ops : ops.split(/[,;\s]+/)).filter(Boolean),
    reminderDays: [...days].sort((a, b) => b - a),
  };
}
