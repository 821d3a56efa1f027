import type { z } from 'zod';
import { InputValidationError } from '../errors.js';

/** Validates input with zod before it is sent; throws {@link InputValidationError}. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  operation: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InputValidationError(
    operation,
    result.error.issues.map((i) => ({
      field: i.path
        .map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n > 0 ? '.' : ''}${String(p)}`))
        .join(''),
      message: i.message,
    })),
  );
}
