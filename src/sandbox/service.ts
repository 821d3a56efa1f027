import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { SandboxClock } from './clock.js';
import { DAY_MS } from './clock.js';
import type { SandboxMailer } from './mailer.js';
import { Problem, conflict, notFound } from './problem.js';
import {
  type AccountRecord,
  type RequestRecord,
  type RequestStatus,
  type SandboxState,
  publicAccount,
  publicRequest,
} from './state.js';
import {
  type AccountRequestInput,
  type AccountRequestPatch,
  normalizeDomain,
  reviewWarnings,
} from './validation.js';

/** Days a submitted request stays pending before it expires. */
export const EXPIRY_DAYS = 90;

const STATUSES: RequestStatus[] = ['draft', 'pending', 'active', 'expired', 'cancelled'];

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** Options for listing requests; already validated by the route. */
export interface ListQuery {
  status?: RequestStatus;
  updatedSince?: Date;
  clientReference?: string;
  cursor?: string;
  limit: number;
}

/**
 * The Smart Account service's behaviour, independent of HTTP: every rule the
 * contract states lives here, and every breach is thrown as a {@link Problem}.
 */
export class SandboxService {
  readonly #reviewSecret = randomBytes(32);

  constructor(
    private readonly state: SandboxState,
    private readonly clock: SandboxClock,
    private readonly mailer: SandboxMailer,
  ) {}

  #now(): string {
    return this.clock.now().toISOString();
  }

  #get(id: string): RequestRecord {
    const r = this.state.requests.get(id);
    if (!r) throw notFound(`Account request ${id}`);
    return r;
  }

  /** Rejects a request for a domain that already has an account or a pending request. */
  #assertDomainFree(domain: string, exceptId?: string): void {
    for (const r of this.state.requests.values()) {
      if (r.id !== exceptId && r.accountDomain === domain && r.status === 'pending') {
        throw conflict(
          'domain-has-pending-request',
          `A request for ${domain} is already pending (${r.id}); wait for the customer to accept it or let it expire.`,
          { existingRequestId: r.id },
        );
      }
    }
    for (const a of this.state.accounts.values()) {
      if (a.domain === domain) {
        throw conflict(
          'domain-has-account',
          `${domain} already has a Smart Account (${a.id}, ${a.status}); do not request another.`,
          { existingAccountId: a.id },
        );
      }
    }
  }

  /** Expires every pending request whose 90 days have run out. */
  expireDue(): void {
    const now = this.clock.now();
    let changed = false;
    for (const r of this.state.requests.values()) {
      if (r.status === 'pending' && r.expiresAt && new Date(r.expiresAt) <= now) {
        r.status = 'expired';
        r.expiredAt = now.toISOString();
        r.updatedAt = r.expiredAt;
        if (r.smartAccountId) this.state.accounts.delete(r.smartAccountId);
        this.mailer.send('expiry-notice', r);
        changed = true;
      }
    }
    if (changed) this.state.save();
  }

  create(input: AccountRequestInput, rawDomain: string, clientId: string) {
    if (input.clientReference) {
      for (const r of this.state.requests.values()) {
        if (
          r.clientReference === input.clientReference &&
          r.status !== 'cancelled' &&
          r.status !== 'expired'
        ) {
          throw conflict(
            'duplicate-client-reference',
            `Request ${r.id} already uses clientReference ${input.clientReference}; continue that one.`,
            { existingRequestId: r.id },
          );
        }
      }
    }
    this.#assertDomainFree(input.accountDomain);
    const now = this.#now();
    const record: RequestRecord = {
      id: `req_${hex(8)}`,
      status: 'draft',
      accountName: input.accountName,
      customerEmail: input.customerEmail,
      accountDomain: input.accountDomain,
      noteToCustomer: input.noteToCustomer || null,
      userEmails: input.userEmails,
      noteToUsers: input.noteToUsers || null,
      noteToCiscoApprover: input.noteToCiscoApprover || null,
      clientReference: input.clientReference ?? null,
      locale: input.locale,
      smartAccountId: null,
      createdAt: now,
      updatedAt: now,
      submittedAt: null,
      expiresAt: null,
      activatedAt: null,
      expiredAt: null,
      rawDomain,
      version: 1,
      submitCount: 0,
      seq: this.state.nextSeq(),
      clientId,
    };
    this.state.requests.set(record.id, record);
    this.state.save();
    return publicRequest(record);
  }

  get(id: string) {
    return publicRequest(this.#get(id));
  }

  patch(id: string, patch: AccountRequestPatch, rawDomain: string | undefined) {
    const r = this.#assertDraft(this.#get(id));
    if (patch.accountDomain && patch.accountDomain !== r.accountDomain) {
      this.#assertDomainFree(patch.accountDomain, r.id);
    }
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      (r as unknown as Record<string, unknown>)[key] = value === '' ? null : value;
    }
    if (rawDomain !== undefined) r.rawDomain = rawDomain;
    r.version += 1;
    r.updatedAt = this.#now();
    this.state.save();
    return publicRequest(r);
  }

  #assertDraft(r: RequestRecord): RequestRecord {
    if (r.status !== 'draft') {
      throw conflict(
        'request-not-draft',
        `Request ${r.id} is ${r.status}, not a draft; only drafts can be reviewed, changed or submitted.`,
        { currentStatus: r.status },
      );
    }
    return r;
  }

  #reviewToken(r: RequestRecord): string {
    const mac = createHmac('sha256', this.#reviewSecret)
      .update(`${r.id}:${r.version}`)
      .digest('base64url');
    return `rv1.${r.version}.${mac}`;
  }

  review(id: string) {
    const r = this.#assertDraft(this.#get(id));
    const { id: _id, status: _status, ...fields } = publicRequest(r);
    const request = {
      accountName: fields.accountName,
      customerEmail: fields.customerEmail,
      accountDomain: fields.accountDomain,
      noteToCustomer: fields.noteToCustomer,
      userEmails: [...new Set(fields.userEmails)],
      noteToUsers: fields.noteToUsers,
      noteToCiscoApprover: fields.noteToCiscoApprover,
      clientReference: fields.clientReference,
      locale: fields.locale,
    };
    const warnings = reviewWarnings(
      {
        ...request,
        userEmails: r.userEmails,
        clientReference: r.clientReference,
      } as AccountRequestInput,
      r.rawDomain,
    );
    return { id: r.id, status: r.status, request, warnings, reviewToken: this.#reviewToken(r) };
  }

  /**
   * Runs `fn` once per idempotency key: the same key with the same route and body
   * answers the first response again (`replayed`), with another body it is refused.
   * Errors are not stored, so a failed call may be retried with the same key.
   */
  idempotent(
    clientId: string,
    key: string,
    route: string,
    body: unknown,
    fn: () => { status: number; body: unknown },
  ): { status: number; body: unknown; replayed: boolean } {
    const fingerprint = createHash('sha256')
      .update(`${route}\n${JSON.stringify(body)}`)
      .digest('hex');
    const scopedKey = `${clientId}:${key}`;
    const seen = this.state.idempotency.get(scopedKey);
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        throw new Problem(
          422,
          'idempotency-key-reused',
          'Idempotency key reused',
          'This Idempotency-Key was used for a different request; use a new key for a new request.',
        );
      }
      return { status: seen.status, body: seen.body, replayed: true };
    }
    const result = fn();
    this.state.idempotency.set(scopedKey, { fingerprint, ...result });
    this.state.save();
    return { ...result, replayed: false };
  }

  /** Submits a reviewed draft: it becomes pending and expires in 90 days. */
  submit(id: string, reviewToken: string) {
    const r = this.#get(id);
    this.#assertDraft(r);
    const match = /^rv1\.(\d+)\.([\w-]+)$/.exec(reviewToken);
    const version = Number(match?.[1] ?? Number.NaN);
    const expected = Number.isFinite(version)
      ? this.#reviewToken({ ...r, version }).split('.')[2]
      : undefined;
    if (!match || expected !== match[2]) {
      throw new Problem(422, 'validation-failed', 'Validation failed', 'reviewToken is invalid.', [
        {
          field: 'reviewToken',
          code: 'invalid',
          message: 'reviewToken is not a token from this request’s review; review it again.',
        },
      ]);
    }
    if (version !== r.version) {
      throw conflict(
        'review-stale',
        `Request ${r.id} changed after it was reviewed; review it again and submit the new token.`,
      );
    }
    this.#assertDomainFree(r.accountDomain, r.id);
    const now = this.clock.now();
    r.status = 'pending';
    r.submittedAt = now.toISOString();
    r.updatedAt = r.submittedAt;
    r.expiresAt = new Date(now.getTime() + EXPIRY_DAYS * DAY_MS).toISOString();
    r.smartAccountId = `SA-${String(100_000 + this.state.nextSeq()).padStart(7, '0')}`;
    r.submitCount += 1;
    const account: AccountRecord = {
      id: r.smartAccountId,
      name: r.accountName,
      domain: r.accountDomain,
      status: 'pending',
      createdAt: r.submittedAt,
    };
    this.state.accounts.set(account.id, account);
    this.state.save();
    this.mailer.send('activation-instructions', r);
    return publicRequest(r);
  }

  cancel(id: string) {
    const r = this.#get(id);
    if (r.status !== 'draft' && r.status !== 'pending') {
      throw conflict(
        'request-not-draft',
        `Request ${r.id} is ${r.status}; it cannot be cancelled.`,
      );
    }
    if (r.smartAccountId) this.state.accounts.delete(r.smartAccountId);
    r.status = 'cancelled';
    r.updatedAt = this.#now();
    this.state.save();
    return publicRequest(r);
  }

  /** The customer accepts Cisco's email: the request and its account become active. */
  activate(id: string) {
    const r = this.#get(id);
    if (r.status !== 'pending') {
      throw conflict(
        'request-not-pending',
        `Request ${r.id} is ${r.status}; only pending ones activate.`,
      );
    }
    r.status = 'active';
    r.activatedAt = this.#now();
    r.updatedAt = r.activatedAt;
    const account = r.smartAccountId ? this.state.accounts.get(r.smartAccountId) : undefined;
    if (account) account.status = 'active';
    this.state.save();
    this.mailer.send('activation-confirmation', r);
    return publicRequest(r);
  }

  searchAccounts(domain: string | undefined, name: string | undefined) {
    const wantDomain = domain === undefined ? undefined : normalizeDomain(domain);
    const wantName = name?.trim().normalize('NFC').toLowerCase();
    const items = [...this.state.accounts.values()].filter(
      (a) =>
        (wantDomain === undefined || a.domain === wantDomain) &&
        (wantName === undefined || a.name.toLowerCase() === wantName),
    );
    return { items: items.map(publicAccount) };
  }

  seedAccount(name: string, domain: string, status: 'active' | 'pending') {
    const account: AccountRecord = {
      id: `SA-${String(100_000 + this.state.nextSeq()).padStart(7, '0')}`,
      name,
      domain,
      status,
      createdAt: this.#now(),
    };
    this.state.accounts.set(account.id, account);
    this.state.save();
    return publicAccount(account);
  }

  list(query: ListQuery) {
    let after = 0;
    if (query.cursor) {
      const text = Buffer.from(query.cursor, 'base64url').toString('utf8');
      const decoded = Number(text);
      if (!/^[\w-]+$/.test(query.cursor) || !/^\d+$/.test(text)) {
        throw new Problem(400, 'invalid-query', 'Bad request', 'cursor is not valid.', [
          {
            field: 'cursor',
            code: 'invalid',
            message: 'Pass the nextCursor of the previous page unchanged.',
          },
        ]);
      }
      after = decoded;
    }
    const matching = [...this.state.requests.values()]
      .filter(
        (r) =>
          r.seq > after &&
          (!query.status || r.status === query.status) &&
          (!query.clientReference || r.clientReference === query.clientReference) &&
          (!query.updatedSince || new Date(r.updatedAt) >= query.updatedSince),
      )
      .sort((a, b) => a.seq - b.seq);
    const page = matching.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor =
      matching.length > query.limit && last
        ? Buffer.from(String(last.seq)).toString('base64url')
        : null;
    return { items: page.map(publicRequest), nextCursor };
  }

  static isStatus(value: string): value is RequestStatus {
    return (STATUSES as string[]).includes(value);
  }
}
