import { InvalidArgumentError } from 'commander';
import { ConfigError, ServiceUnavailableError } from '../batch/errors.js';
import { loadConfig, type LoadedConfig } from '../batch/config.js';
import { InboxConfigError, InboxUnavailableError } from '../batch/inbox/errors.js';
import { InputError } from '../batch/ingest/errors.js';
import { MailConfigError, MailTransportError, TemplateError } from '../batch/notify/errors.js';
import { LockHeldError, type Store, StoreError, openStore } from '../batch/store/index.js';
import { APIConnectionError, ConfigurationError } from '../sdk/errors.js';
import { EXIT } from './exit-codes.js';

/** Flags every command that touches the state store takes. */
export interface StoreFlags {
  state?: string;
  databaseUrl?: string;
  config?: string;
}

/** Loads the config file and environment, honouring `--config`. */
export function configFrom(flags: { config?: string }): LoadedConfig {
  return loadConfig(flags.config ? { file: flags.config } : {});
}

/** Opens the store named by flags, else by the config/environment, else the default file. */
export async function storeFrom(flags: StoreFlags, loaded: LoadedConfig): Promise<Store> {
  const url = flags.databaseUrl ?? (flags.state ? undefined : loaded.config.store.databaseUrl);
  const file = flags.state ?? loaded.config.store.file;
  try {
    return await openStore({ ...(url ? { url } : {}), ...(file ? { file } : {}) });
  } catch (error) {
    if (error instanceof StoreError && error.code === 'unavailable') {
      throw new ServiceUnavailableError('store', error.message, { cause: error });
    }
    throw error;
  }
}

/** The exit code for an error that ended a command (DESIGN §7). */
export function exitCodeFor(error: unknown): number {
  if (
    error instanceof ConfigError ||
    error instanceof ConfigurationError ||
    error instanceof MailConfigError ||
    error instanceof InboxConfigError ||
    error instanceof InputError ||
    error instanceof TemplateError
  ) {
    return EXIT.usage;
  }
  if (
    error instanceof ServiceUnavailableError ||
    error instanceof InboxUnavailableError ||
    error instanceof APIConnectionError ||
    (error instanceof MailTransportError && error.code === 'unreachable') ||
    (error instanceof StoreError && error.code === 'unavailable')
  ) {
    return EXIT.unreachable;
  }
  if (error instanceof LockHeldError) return EXIT.rowsFailed;
  return EXIT.rowsFailed;
}

/**
 * Runs a command body; an error is printed as one clear line (no stack for known
 * errors) and turned into the exit code a cron job can act on.
 */
export async function runCommand(body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    if (typeof code === 'number') process.exitCode = code;
  } catch (error) {
    const code = exitCodeFor(error);
    const known = code !== EXIT.rowsFailed || error instanceof LockHeldError;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`smart-onboard: ${message}\n`);
    if (!known && error instanceof Error && process.env.SMART_ONBOARD_DEBUG) {
      process.stderr.write(`${error.stack ?? ''}\n`);
    }
    process.exitCode = code;
  }
}

/** Parses a positive whole number flag. */
export function positiveInt(name: string, min = 1) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}; got "${value}".`);
    }
    return n;
  };
}
