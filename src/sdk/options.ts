import { ConfigurationError } from './errors.js';

/** A logger with the four usual levels; pino, winston and `console` all fit. */
export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/** What a hook sees of a call. Never contains the token or the body. */
export interface CallInfo {
  method: string;
  url: string;
  /** 0 for the first try, 1 for the first retry, … */
  attempt: number;
}

/** What a hook sees of an answer. */
export interface ResponseInfo extends CallInfo {
  status: number;
  requestId: string | undefined;
  durationMs: number;
}

/** Callbacks around each HTTP call, e.g. for metrics or tracing. */
export interface ClientHooks {
  /** Before every try of a call. */
  beforeRequest?: (info: CallInfo) => void;
  /** After every answer, error statuses included. */
  afterResponse?: (info: ResponseInfo) => void;
  /** Before waiting to retry. */
  beforeRetry?: (info: CallInfo & { delayMs: number; reason: string }) => void;
}

/** Returns a bearer token; called when one is needed and again after a 401. */
export type TokenProvider = () => string | Promise<string>;

/** Options of {@link SmartAccountClient}. Unset ones fall back to the environment. */
export interface ClientOptions {
  /**
   * Base URL of the Smart Account request service.
   * @default process.env.SMART_ONBOARD_BASE_URL
   * @example 'https://smart-accounts.example.com/v1'
   */
  baseUrl?: string;
  /**
   * OAuth2 token URL for the client-credentials grant.
   * @default process.env.SMART_ONBOARD_TOKEN_URL, else `${baseUrl}/oauth/token`
   */
  tokenUrl?: string;
  /**
   * OAuth2 client id.
   * @default process.env.SMART_ONBOARD_CLIENT_ID
   */
  clientId?: string;
  /**
   * OAuth2 client secret. Never logged or put in error messages.
   * @default process.env.SMART_ONBOARD_CLIENT_SECRET
   */
  clientSecret?: string;
  /**
   * A bearer token, or a function that returns one, instead of client credentials.
   * @default undefined
   */
  accessToken?: string | TokenProvider;
  /**
   * Milliseconds one try may take before it is abandoned (and retried).
   * @default 30000
   */
  timeout?: number;
  /**
   * Retries after the first try, for connection errors, timeouts, 408, 429 and 5xx.
   * @default 3
   */
  maxRetries?: number;
  /**
   * The longest `Retry-After` the client honours, in seconds; longer waits are cut.
   * @default 60
   */
  maxRetryAfterSeconds?: number;
  /**
   * Sent as `User-Agent`.
   * @default 'smart-onboard-sdk/<version>'
   */
  userAgent?: string;
  /**
   * Receives debug lines for calls and warnings for retries.
   * @default a logger that prints nothing
   */
  logger?: Logger;
  /** Callbacks around each HTTP call. @default {} */
  hooks?: ClientHooks;
  /**
   * Where environment fallbacks are read from (tests pass their own).
   * @default process.env
   */
  env?: Record<string, string | undefined>;
}

/** Per-call overrides. */
export interface RequestOptions {
  /** @default the client's `timeout` */
  timeout?: number;
  /** @default the client's `maxRetries` */
  maxRetries?: number;
  /** Aborts the call, retries included. */
  signal?: AbortSignal;
}

/** The options after defaults and environment were applied. */
export interface ResolvedOptions {
  baseUrl: string;
  tokenUrl: string;
  credentials:
    | { kind: 'client'; clientId: string; clientSecret: string }
    | { kind: 'token'; provider: TokenProvider };
  timeout: number;
  maxRetries: number;
  maxRetryAfterSeconds: number;
  userAgent: string;
  logger: Logger;
  hooks: ClientHooks;
}

/** The SDK's version, sent in the default `User-Agent`. */
export const SDK_VERSION = '0.1.0';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const DEFAULTS = {
  timeout: 30_000,
  maxRetries: 3,
  maxRetryAfterSeconds: 60,
  userAgent: `smart-onboard-sdk/${SDK_VERSION}`,
} as const;

const KNOWN = new Set<string>([
  'baseUrl',
  'tokenUrl',
  'clientId',
  'clientSecret',
  'accessToken',
  'timeout',
  'maxRetries',
  'maxRetryAfterSeconds',
  'userAgent',
  'logger',
  'hooks',
  'env',
]);

function url(name: string, envName: string, value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
    return value.replace(/\/+$/, '');
  } catch {
    throw new ConfigurationError(
      `${name} (or ${envName}) must be an http(s) URL like https://api.example.com; got "${value}".`,
    );
  }
}

function count(name: string, value: number, min: number): number {
  if (!Number.isFinite(value) || value < min) {
    throw new ConfigurationError(`${name} must be a number ≥ ${min}; got ${String(value)}.`);
  }
  return value;
}

/** Applies defaults and environment fallbacks; throws on missing or conflicting options. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new ConfigurationError(
        `Unknown option "${key}". Known options: ${[...KNOWN].join(', ')}.`,
      );
    }
  }
  const env = options.env ?? process.env;
  const pick = (value: string | undefined, envName: string) =>
    value !== undefined && value !== '' ? value : env[envName] || undefined;

  const rawBase = pick(options.baseUrl, 'SMART_ONBOARD_BASE_URL');
  if (!rawBase) {
    throw new ConfigurationError(
      'No service URL: pass baseUrl to SmartAccountClient or set SMART_ONBOARD_BASE_URL.',
    );
  }
  const baseUrl = url('baseUrl', 'SMART_ONBOARD_BASE_URL', rawBase);
  const rawToken = pick(options.tokenUrl, 'SMART_ONBOARD_TOKEN_URL');
  const tokenUrl = rawToken
    ? url('tokenUrl', 'SMART_ONBOARD_TOKEN_URL', rawToken)
    : `${baseUrl}/oauth/token`;

  const clientId = pick(options.clientId, 'SMART_ONBOARD_CLIENT_ID');
  const clientSecret = pick(options.clientSecret, 'SMART_ONBOARD_CLIENT_SECRET');
  let credentials: ResolvedOptions['credentials'];
  if (options.accessToken !== undefined) {
    if (options.clientId !== undefined || options.clientSecret !== undefined) {
      throw new ConfigurationError('Pass either accessToken or clientId + clientSecret, not both.');
    }
    const token = options.accessToken;
    credentials = { kind: 'token', provider: typeof token === 'string' ? () => token : token };
  } else if (clientId && clientSecret) {
    credentials = { kind: 'client', clientId, clientSecret };
  } else {
    const missing = [
      !clientId && 'clientId (or SMART_ONBOARD_CLIENT_ID)',
      !clientSecret && 'clientSecret (or SMART_ONBOARD_CLIENT_SECRET)',
    ].filter(Boolean);
    throw new ConfigurationError(
      `No credentials: set ${missing.join(' and ')}, or pass accessToken.`,
    );
  }

  return {
    baseUrl,
    tokenUrl,
    credentials,
    timeout: count('timeout', options.timeout ?? DEFAULTS.timeout, 1),
    maxRetries: count('maxRetries', options.maxRetries ?? DEFAULTS.maxRetries, 0),
    maxRetryAfterSeconds: count(
      'maxRetryAfterSeconds',
      options.maxRetryAfterSeconds ?? DEFAULTS.maxRetryAfterSeconds,
      0,
    ),
    userAgent: options.userAgent ?? DEFAULTS.userAgent,
    logger: options.logger ?? silent,
    hooks: options.hooks ?? {},
  };
}
