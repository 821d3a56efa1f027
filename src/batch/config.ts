import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { mailConfigSchema } from './notify/mail-config.js';

/** File names looked for in the working directory when `--config` is not given. */
export const CONFIG_FILES = [
  'smart-onboard.config.json',
  'smart-onboard.config.yaml',
  'smart-onboard.config.yml',
] as const;

const positive = z.number().int().positive();

/**
 * The configuration, one schema for the file and the environment. Secrets never sit in
 * the file: the client secret comes from `SMART_ONBOARD_CLIENT_SECRET` or a file named by
 * `service.clientSecretFile`; URLs with passwords come from the environment.
 */
export const configSchema = z
  .object({
    service: z
      .object({
        /** Base URL of the Smart Account service. Env: SMART_ONBOARD_BASE_URL. */
        baseUrl: z.string().url().optional(),
        /** OAuth2 token URL. Env: SMART_ONBOARD_TOKEN_URL. */
        tokenUrl: z.string().url().optional(),
        /** Env: SMART_ONBOARD_CLIENT_ID. */
        clientId: z.string().min(1).optional(),
        /** A file holding the client secret (else SMART_ONBOARD_CLIENT_SECRET). */
        clientSecretFile: z.string().min(1).optional(),
        /** Milliseconds per try. @default 30000 */
        timeoutMs: positive.optional(),
        /** @default 5 */
        maxRetries: z.number().int().min(0).max(20).optional(),
      })
      .strict()
      .default({}),
    store: z
      .object({
        /** SQLite file. Env: SMART_ONBOARD_STATE. @default .smart-onboard/state.db */
        file: z.string().min(1).optional(),
        /** PostgreSQL URL. Env: DATABASE_URL. */
        databaseUrl: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    submit: z
      .object({
        /** Rows in flight at once. Env: SMART_ONBOARD_CONCURRENCY. @default 8 */
        concurrency: z.number().int().min(1).max(256).default(8),
        /** Service calls per second at most; 0 = no limit. Env: SMART_ONBOARD_RATE. @default 0 */
        rate: z.number().min(0).max(10_000).default(0),
        /** Review warnings that stop a row (it goes to `attention`); `true` = any. @default [] */
        blockOnWarnings: z.union([z.boolean(), z.array(z.string())]).default([]),
        /** Column mapping, field → header text. */
        map: z.record(z.string(), z.string()).default({}),
        /** Locale for rows without one. @default 'en' */
        defaultLocale: z.enum(['en', 'de']).default('en'),
      })
      .strict()
      .default({
        concurrency: 8,
        rate: 0,
        blockOnWarnings: [],
        map: {},
        defaultLocale: 'en',
      }),
    /** Outgoing mail: see the notify module's schema (env overlays it there). */
    mail: mailConfigSchema.default({}),
    inbox: z
      .object({
        /** `imap://user:pass@host:port/INBOX` (`imaps://` for TLS). Env: SMART_ONBOARD_IMAP_URL. */
        imapUrl: z.string().optional(),
      })
      .passthrough()
      .default({}),
  })
  .strict();

export type Config = z.output<typeof configSchema>;

/** Everything the runner needs to reach the service, resolved. */
export interface ServiceSettings {
  baseUrl: string | undefined;
  tokenUrl: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  timeoutMs: number;
  maxRetries: number;
}

/** A loaded configuration plus where it came from. */
export interface LoadedConfig {
  config: Config;
  /** The file read, if any. */
  file: string | undefined;
  service: ServiceSettings;
}

type Env = Record<string, string | undefined>;

const hasPassword = (url: string | undefined) => {
  try {
    return url !== undefined && new URL(url).password !== '';
  } catch {
    return false;
  }
};

function readFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the config file ${file}: ${(error as Error).message}`);
  }
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
}

function number(env: Env, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ConfigError(`${name} must be a number; got "${value}".`);
  return n;
}

/**
 * Reads the config file (`--config`, else one of {@link CONFIG_FILES} in `cwd`),
 * overlays `SMART_ONBOARD_*` environment variables, validates everything.
 */
export function loadConfig(options: { file?: string; cwd?: string; env?: Env } = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let file = options.file ? resolve(cwd, options.file) : undefined;
  if (file && !existsSync(file)) throw new ConfigError(`Config file ${file} does not exist.`);
  file ??= CONFIG_FILES.map((f) => resolve(cwd, f)).find((f) => existsSync(f));
  const raw = (file ? readFile(file) : {}) ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${file} must hold an object with sections like "service" and "submit".`);
  }
  const fromFile = raw as Record<string, Record<string, unknown> | undefined>;
  if (fromFile.service && 'clientSecret' in fromFile.service) {
    throw new ConfigError(
      `${file}: do not put service.clientSecret in the config file; set SMART_ONBOARD_CLIENT_SECRET or service.clientSecretFile.`,
    );
  }
  for (const key of ['password', 'accessToken'] as const) {
    if (fromFile.inbox && key in fromFile.inbox) {
      throw new ConfigError(
        `${file}: do not put inbox.${key} in the config file; use SMART_ONBOARD_IMAP_URL or SMART_ONBOARD_IMAP_ACCESS_TOKEN.`,
      );
    }
  }
  for (const [section, key] of [
    ['mail', 'smtpUrl'],
    ['inbox', 'imapUrl'],
    ['store', 'databaseUrl'],
  ] as const) {
    const value = fromFile[section]?.[key];
    if (typeof value === 'string' && hasPassword(value)) {
      throw new ConfigError(
        `${file}: ${section}.${key} contains a password; move it to the environment (see the README's configuration table).`,
      );
    }
  }

  const overlay = (section: string, values: Record<string, unknown>) => {
    const defined = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
    return { ...(fromFile[section] ?? {}), ...defined };
  };
  const merged = {
    ...fromFile,
    service: overlay('service', {
      baseUrl: env.SMART_ONBOARD_BASE_URL || undefined,
      tokenUrl: env.SMART_ONBOARD_TOKEN_URL || undefined,
      clientId: env.SMART_ONBOARD_CLIENT_ID || undefined,
    }),
    store: overlay('store', {
      file: env.SMART_ONBOARD_STATE || undefined,
      databaseUrl: env.DATABASE_URL || env.SMART_ONBOARD_DATABASE_URL || undefined,
    }),
    submit: overlay('submit', {
      concurrency: number(env, 'SMART_ONBOARD_CONCURRENCY'),
      rate: number(env, 'SMART_ONBOARD_RATE'),
    }),
    inbox: overlay('inbox', { imapUrl: env.SMART_ONBOARD_IMAP_URL || undefined }),
  };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new ConfigError(
      `Invalid configuration${file ? ` in ${file} or the environment` : ' in the environment'}:\n${lines.join('\n')}`,
    );
  }
  const config = parsed.data;
  let clientSecret = env.SMART_ONBOARD_CLIENT_SECRET || undefined;
  if (!clientSecret && config.service.clientSecretFile) {
    const secretFile = resolve(file ? resolve(file, '..') : cwd, config.service.clientSecretFile);
    try {
      clientSecret = readFileSync(secretFile, 'utf8').trim();
    } catch {
      throw new ConfigError(`Cannot read service.clientSecretFile ${secretFile}.`);
    }
  }
  return {
    config,
    file,
    service: {
      baseUrl: config.service.baseUrl,
      tokenUrl: config.service.tokenUrl,
      clientId: config.service.clientId,
      clientSecret,
      timeoutMs: config.service.timeoutMs ?? 30_000,
      maxRetries: config.service.maxRetries ?? 5,
    },
  };
}
