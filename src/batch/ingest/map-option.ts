import { InputError } from './errors.js';
import { FIELDS, type Field, isField } from './fields.js';

/**
 * Parses a `--map` option: `accountName=Firma,customerEmail=Mail` → `{ accountName:
 * 'Firma', customerEmail: 'Mail' }`. Header texts may be quoted to hold commas
 * (`noteToCustomer="Hinweis, Kunde"`). Several `--map` values may be passed as an array.
 *
 * @throws InputError `bad-mapping` naming the bad part and the known field names.
 */
export function parseMapOption(spec: string | readonly string[]): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  const parts = (typeof spec === 'string' ? [spec] : spec).flatMap(splitTopLevel);
  for (const part of parts) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const field = part.slice(0, eq).trim();
    const header = unquote(part.slice(eq + 1).trim());
    if (eq < 0 || header === '') {
      throw new InputError(
        'bad-mapping',
        '--map',
        `--map: "${part}" is not field=header — write it like accountName=Firma,customerEmail=Mail.`,
      );
    }
    if (!isField(field)) {
      throw new InputError(
        'bad-mapping',
        '--map',
        `--map: "${field}" is not a field — use one of ${FIELDS.join(', ')}.`,
      );
    }
    out[field] = header;
  }
  return out;
}

function splitTopLevel(spec: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of spec) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}
