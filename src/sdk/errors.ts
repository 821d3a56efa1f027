/**
 * Every error the SDK throws, in one small tree:
 *
 * ```
 * SmartOnboardError
 * ├── ConfigurationError            options missing or conflicting
 * ├── InputValidationError          input rejected before anything was sent
 * ├── ResponseValidationError       the service answered something the contract does not allow
 * ├── SubmissionStoppedError        `onReview` stopped `requestSmartAccount` before submit
 * ├── APIConnectionError            no answer at all (cause kept)
 * │   └── APIConnectionTimeoutError
 * └── APIError                      the service answered with an error status
 *     ├── AuthenticationError       401
 *     ├── PermissionDeniedError     403
 *     ├── NotFoundError             404
 *     ├── ConflictError             409
 *     ├── ValidationError           400, 422
 *     ├── RateLimitError            429
 *     └── ServerError               5xx
 * ```
 *
 * Messages never contain secrets: no tokens, no client secrets, no request bodies.
 *
 * @module
 */

/** One bad field, as the service names it (`userEmails[3]`). */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** The base of every error this SDK throws. */
export class SmartOnboardError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Options are missing or contradict each other; the message says what to set. */
export class ConfigurationError extends SmartOnboardError {}

/** Input rejected before anything was sent; `issues` name the fields. */
export class InputValidationError extends SmartOnboardError {
  constructor(
    readonly operation: string,
    readonly issues: Array<{ field: string; message: string }>,
  ) {
    super(
      `Invalid input to ${operation}:${issues.map((i) => `\n  - ${i.field || '(input)'}: ${i.message}`).join('')}`,
    );
  }
}

/** What an {@link APIError} is made from. */
export interface APIErrorInit {
  status: number;
  method: string;
  url: string;
  /** The parsed problem+json (or OAuth error) body, if any. */
  body?: unknown;
  requestId?: string | undefined;
  retryAfterSeconds?: number | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The service answered with an error status. */
export class APIError extends SmartOnboardError {
  /** HTTP status. */
  readonly status: number;
  /** The service's machine-readable code, e.g. `domain-has-account`. */
  readonly code: string | undefined;
  /** One entry per bad field, when the service named fields. */
  readonly fieldErrors: FieldError[];
  /** The service's `x-request-id`, for support tickets. */
  readonly requestId: string | undefined;
  readonly method: string;
  /** The URL called (never carries secrets). */
  readonly url: string;
  /** The whole error body as the service sent it. */
  readonly body: unknown;

  constructor(init: APIErrorInit) {
    const body = (init.body ?? {}) as Record<string, unknown>;
    const code = str(body.code) ?? str(body.error);
    const fieldErrors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : [];
    const detail = str(body.detail) ?? str(body.error_description) ?? str(body.title) ?? '';
    const fields = fieldErrors.map((e) => `\n  - ${e.field}: ${e.message}`).join('');
    super(
      `${init.status}${code ? ` ${code}` : ''} from ${init.method} ${init.url}${detail ? `: ${detail}` : ''}${fields}`,
    );
    this.status = init.status;
    this.code = code;
    this.fieldErrors = fieldErrors;
    this.requestId = init.requestId;
    this.method = init.method;
    this.url = init.url;
    this.body = init.body;
  }
}

/** 401: missing, wrong or expired credentials. */
export class AuthenticationError extends APIError {}
/** 403: the client may not do this (e.g. a read-only client writing). */
export class PermissionDeniedError extends APIError {}
/** 404: no such request or route. */
export class NotFoundError extends APIError {}
/** 409: the domain already has an account or a pending request, a stale review, … */
export class ConflictError extends APIError {
  /** The request that already exists, when the service named it. */
  get existingRequestId(): string | undefined {
    return str((this.body as Record<string, unknown> | undefined)?.existingRequestId);
  }
  /** The account that already exists, when the service named it. */
  get existingAccountId(): string | undefined {
    return str((this.body as Record<string, unknown> | undefined)?.existingAccountId);
  }
}
/** 400 or 422: the input is wrong; see {@link APIError.fieldErrors}. */
export class ValidationError extends APIError {}
/** 429: too many calls; retried automatically, thrown when retries ran out. */
export class RateLimitError extends APIError {
  /** Seconds the service asked to wait, from `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;
  constructor(init: APIErrorInit) {
    super(init);
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}
/** 5xx: the service failed; retried automatically, thrown when retries ran out. */
export class ServerError extends APIError {}

/** Makes the right {@link APIError} subclass for a status. */
export function makeAPIError(init: APIErrorInit): APIError {
  const { status } = init;
  if (status === 401) return new AuthenticationError(init);
  if (status === 403) return new PermissionDeniedError(init);
  if (status === 404) return new NotFoundError(init);
  if (status === 409) return new ConflictError(init);
  if (status === 400 || status === 422) return new ValidationError(init);
  if (status === 429) return new RateLimitError(init);
  if (status >= 500) return new ServerError(init);
  return new APIError(init);
}

/** No answer: the connection failed or was reset. `cause` holds the network error. */
export class APIConnectionError extends SmartOnboardError {
  constructor(
    readonly method: string,
    readonly url: string,
    cause: unknown,
    message = `Could not reach ${method} ${url}: ${(cause as Error | undefined)?.message ?? 'connection failed'}`,
  ) {
    super(message, { cause });
  }
}

/** No answer within the timeout. */
export class APIConnectionTimeoutError extends APIConnectionError {
  constructor(method: string, url: string, timeoutMs: number, cause: unknown) {
    super(method, url, cause, `${method} ${url} timed out after ${timeoutMs} ms`);
  }
}

/** A response did not match the contract; `issues` says what was expected where. */
export class ResponseValidationError extends SmartOnboardError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly issues: Array<{ path: string; message: string }>,
    readonly requestId: string | undefined,
  ) {
    super(
      `Unexpected response from ${method} ${url}:${issues
        .map((i) => `\n  - ${i.path || '(root)'}: ${i.message}`)
        .join('')}`,
    );
  }
}

/** `onReview` returned `false`: the draft exists but was not submitted. */
export class SubmissionStoppedError extends SmartOnboardError {
  constructor(
    readonly requestId: string,
    readonly warnings: Array<{ code: string; field: string | null; message: string }>,
  ) {
    super(`Request ${requestId} was reviewed but not submitted: onReview stopped it.`);
  }
}
