/** Exit codes a cron job can act on (DESIGN §7). */
export const EXIT = {
  /** Everything done. */
  ok: 0,
  /** Some rows failed or need attention. */
  rowsFailed: 1,
  /** Usage or configuration error. */
  usage: 2,
  /** A service (Smart Account API, SMTP, IMAP, database) could not be reached. */
  unreachable: 3,
} as const;
