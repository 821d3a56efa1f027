/** The customer fields a spreadsheet row can carry, in the portal's order. */
export const FIELDS = [
  'accountName',
  'customerEmail',
  'accountDomain',
  'noteToCustomer',
  'userEmails',
  'noteToUsers',
  'noteToCiscoApprover',
  'locale',
  'customerReference',
] as const;

/** One customer field, e.g. `accountName`. */
export type Field = (typeof FIELDS)[number];

/** Fields without which a row cannot become a request; their columns must exist. */
export const REQUIRED_FIELDS: readonly Field[] = ['accountName', 'customerEmail', 'accountDomain'];

/** Tells whether a string is a field name (for `--map` parsing). */
export function isField(name: string): name is Field {
  return (FIELDS as readonly string[]).includes(name);
}

/** Cells longer than this are reported instead of validated (a missing quote is the usual cause). */
export const MAX_CELL_LENGTH = 10_000;
