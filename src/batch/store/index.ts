/**
 * The state store (DESIGN §6): `openStore` picks the driver from the options; the
 * driver's client library is loaded only when it is used.
 */
import type { Store } from './types.js';

export * from './types.js';
export * from './errors.js';
export { DEFAULT_SQLITE_FILE } from './drivers/sqlite.js';

export interface OpenStoreOptions {
  /** `postgres://…` or `postgresql://…` selects PostgreSQL (e.g. from `DATABASE_URL`). */
  url?: string;
  /** SQLite file (used when `url` is not a PostgreSQL URL). @default '.smart-onboard/state.db' */
  file?: string;
  /** Base for a relative `file`. @default process.cwd() */
  cwd?: string;
  /** Clock for stored timestamps (tests, the sandbox clock). @default () => new Date() */
  now?: () => Date;
}

const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//i.test(url);

/** Open the store and apply pending migrations. */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  if (options.url !== undefined && isPostgresUrl(options.url)) {
    const { default: createPostgresStore } = await import('./drivers/postgres.js');
    return createPostgresStore({ url: options.url, now: options.now });
  }
  const { default: createSqliteStore } = await import('./drivers/sqlite.js');
  const file = options.file ?? (options.url?.replace(/^(sqlite|file):(\/\/)?/i, '') || undefined);
  return createSqliteStore({ file, cwd: options.cwd, now: options.now });
}
