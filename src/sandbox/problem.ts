/** One bad field in a problem+json body. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** An error the sandbox answers with as `application/problem+json` (RFC 9457). */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  toJSON(requestId: string): Record<string, unknown> {
    return {
      type: `https://smart-onboard.dev/problems/${this.code}`,
      title: this.title,
      status: this.status,
      detail: this.detail,
      code: this.code,
      requestId,
      ...(this.errors.length > 0 ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }
}

export const notFound = (what: string): Problem =>
  new Problem(404, 'not-found', 'Not found', `${what} does not exist.`);

export const conflict = (code: string, detail: string, extensions: Record<string, unknown> = {}) =>
  new Problem(409, code, 'Conflict', detail, [], extensions);

export const validationFailed = (errors: FieldError[]): Problem =>
  new Problem(
    422,
    'validation-failed',
    'Validation failed',
    `${errors.length} field${errors.length === 1 ? ' is' : 's are'} invalid: ${errors
      .map((e) => e.field)
      .join(', ')}.`,
    errors,
  );
