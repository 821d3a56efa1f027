import { z } from 'zod';
import { parseInput } from '../internal/input.js';
import type { Transport } from '../internal/transport.js';
import type { RequestOptions } from '../options.js';

/** An existing Smart Account. */
export const accountSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The account domain, lower case, IDN as punycode. */
  domain: z.string(),
  /** `pending` until the customer activates it. */
  status: z.enum(['active', 'pending']),
  createdAt: z.string(),
});
export type Account = z.infer<typeof accountSchema>;

const accountListSchema = z.object({ items: z.array(accountSchema) });

/** What to search by: at least one of the two. */
export const accountSearchSchema = z
  .object({
    /** The account domain; IDN accepted. */
    domain: z.string().min(1).optional(),
    /** The exact account name (case-insensitive). */
    name: z.string().min(1).optional(),
  })
  .strict()
  .refine((q) => q.domain !== undefined || q.name !== undefined, {
    message: 'Search needs domain, name, or both.',
  });
export type AccountSearch = z.input<typeof accountSearchSchema>;

/** Existing Smart Accounts: search before requesting a new one. */
export class Accounts {
  constructor(private readonly transport: Transport) {}

  /**
   * Finds existing Smart Accounts by domain and/or exact name.
   *
   * @example
   * const { items } = await client.accounts.search({ domain: 'mueller-gmbh.de' });
   * if (items.length > 0) console.log('already has', items[0].id);
   */
  async search(query: AccountSearch, options?: RequestOptions): Promise<Account[]> {
    const q = parseInput(accountSearchSchema, query, 'accounts.search');
    const page = await this.transport.call(
      { method: 'GET', url: '/accounts', query: q, auth: true },
      accountListSchema,
      options,
    );
    return page.items;
  }
}
