import { NotFoundError, type SmartAccountClient } from '../../sdk/index.js';
import type { ClassifiedMail, HandleOutcome } from '../inbox/index.js';
import type { Customer, Store } from '../store/index.js';

/** What handling inbox mail needs. */
export interface MailHandlerDeps {
  store: Store;
  client: SmartAccountClient;
  runId: string;
  /** Called when a row became expired (the ops notice goes out from here). */
  onExpired?: (customer: Customer) => Promise<void>;
}

/** The one row a confirmation is about, by request id, else by domain; undefined if not exactly one. */
async function matchRow(store: Store, mail: ClassifiedMail): Promise<Customer[]> {
  const byDomain = mail.accountDomain ? await store.findCustomers(mail.accountDomain) : [];
  if (mail.requestId) {
    const exact = byDomain.filter((c) => c.requestId === mail.requestId);
    if (exact.length > 0) return exact;
    const byName = mail.accountName ? await store.findCustomers(mail.accountName) : [];
    return byName.filter((c) => c.requestId === mail.requestId);
  }
  return byDomain.filter((c) => c.accountDomain === mail.accountDomain);
}

/**
 * Decides what a Cisco email means for the store. An email is a signal, not proof:
 * the sender must be trusted, it must match exactly one row, and the service must
 * confirm the status before the row moves. Anything else is reported, never dropped.
 */
export function mailHandler(deps: MailHandlerDeps) {
  return async (mail: ClassifiedMail): Promise<HandleOutcome> => {
    if (mail.kind === 'other') return { outcome: 'ignored', reason: 'not a Smart Account email' };
    if (!mail.trusted) {
      return { outcome: 'suspicious', reason: `untrusted sender: ${mail.trustReason}` };
    }
    const rows = await matchRow(deps.store, mail);
    if (rows.length !== 1) {
      return {
        outcome: 'unmatched',
        reason:
          rows.length === 0
            ? `no row for request ${mail.requestId ?? '?'} (${mail.accountDomain ?? 'no domain'})`
            : `${rows.length} rows match ${mail.accountDomain ?? ''}; resolve by hand`,
      };
    }
    const row = rows[0] as Customer;
    const want = mail.kind === 'activation' ? 'active' : 'expired';
    if (row.status === want)
      return { outcome: 'unchanged', reason: `already ${want}`, key: row.key };
    if (row.status !== 'pending') {
      return {
        outcome: 'attention',
        reason: `row is ${row.status}, email says ${want}`,
        key: row.key,
      };
    }
    const request = await deps.client.accountRequests
      .retrieve(row.requestId ?? mail.requestId ?? '')
      .catch((error: unknown) => {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      });
    if (!request || request.status !== want) {
      const reason = `email says ${want}, the service says ${request?.status ?? 'no such request'}`;
      if (request?.status === 'pending') return { outcome: 'suspicious', reason, key: row.key };
      await deps.store.transition(row.key, {
        from: 'pending',
        to: 'attention',
        cause: 'inbox: email contradicted by the service',
        runId: deps.runId,
        patch: { lastError: reason },
      });
      return { outcome: 'attention', reason, key: row.key };
    }
    const moved = await deps.store.transition(row.key, {
      from: 'pending',
      to: want,
      cause: `inbox: ${mail.kind} email confirmed by the service`,
      runId: deps.runId,
      patch: { activatedAt: request.activatedAt, lastError: null },
      details: { messageId: mail.messageId },
    });
    if (want === 'expired') await deps.onExpired?.(moved);
    return { outcome: 'applied', reason: `${want}, confirmed by the service`, key: row.key };
  };
}
