/** The store's errors: one base class, one subclass per thing a caller acts on. */

export type StoreErrorCode = 'store' | 'conflict' | 'lock_held' | 'not_found' | 'unavailable';

export class StoreError extends Error {
  override readonly name: string = 'StoreError';
  readonly code: StoreErrorCode;
  constructor(message: string, options?: { code?: StoreErrorCode; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = options?.code ?? 'store';
  }
}

/** A guarded transition found the row in another state (someone else got there first). */
export class StoreConflictError extends StoreError {
  override readonly name = 'StoreConflictError';
  constructor(
    message: string,
    readonly key: string,
    readonly expected: readonly string[],
    readonly actual: string,
  ) {
    super(message, { code: 'conflict' });
  }
}

/** A single-flight lock is held by another process. */
export class LockHeldError extends StoreError {
  override readonly name = 'LockHeldError';
  constructor(
    readonly lockName: string,
    readonly holder: string | null,
    readonly since: string | null,
  ) {
    super(
      holder
        ? `Lock "${lockName}" is held by ${holder} since ${since ?? 'an unknown time'}; another run is in progress.`
        : `Lock "${lockName}" is held by another session; another run is in progress.`,
      { code: 'lock_held' },
    );
  }
}

export const isStoreError = (error: unknown): error is StoreError => error instanceof StoreError;
export const isStoreConflictError = (error: unknown): error is StoreConflictError =>
  error instanceof StoreConflictError;
export const isLockHeldError = (error: unknown): error is LockHeldError =>
  error instanceof LockHeldError;

/** A connection string safe for messages: the password is replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
  }
}
