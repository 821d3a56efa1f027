import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';

/** The statuses a request moves through. */
export type RequestStatus = 'draft' | 'pending' | 'active' | 'expired' | 'cancelled';

/** A request as the service keeps it (the API shape plus bookkeeping). */
export interface RequestRecord {
  id: string;
  status: RequestStatus;
  accountName: string;
  customerEmail: string;
  accountDomain: string;
  noteToCustomer: string | null;
  userEmails: string[];
  noteToUsers: string | null;
  noteToCiscoApprover: string | null;
  clientReference: string | null;
  locale: 'en' | 'de';
  smartAccountId: string | null;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  expiresAt: string | null;
  activatedAt: string | null;
  expiredAt: string | null;
  /** The domain as the client sent it, for review warnings. */
  rawDomain: string;
  /** Bumped on every change of a draft; pins review tokens. */
  version: number;
  /** How many submits actually changed this request (replays not counted). */
  submitCount: number;
  /** Creation order, for stable cursor pagination. */
  seq: number;
  /** The client that created it. */
  clientId: string;
}

/** An existing Smart Account (seeded, or provisional from a submitted request). */
export interface AccountRecord {
  id: string;
  name: string;
  domain: string;
  status: 'active' | 'pending';
  createdAt: string;
}

/** A stored response for an idempotency key. */
export interface IdempotencyRecord {
  fingerprint: string;
  status: number;
  body: unknown;
}

/** One email the sandbox sent (or tried to), as Cisco would have. */
export interface MailRecord {
  id: string;
  kind: 'activation-instructions' | 'activation-confirmation' | 'expiry-notice';
  requestId: string;
  from: string;
  to: string[];
  subject: string;
  messageId: string;
  at: string;
  transport: 'smtp' | 'imap' | 'none';
  status: 'queued' | 'delivered' | 'failed';
  error: string | null;
}

interface Snapshot {
  clockOffsetMs: number;
  seq: number;
  requests: RequestRecord[];
  accounts: AccountRecord[];
  idempotency: Record<string, IdempotencyRecord>;
  mail: MailRecord[];
}

/**
 * Everything the sandbox knows, in memory, optionally persisted as JSON after each
 * change (`--data <file>`), written atomically through a temporary file.
 */
export class SandboxState {
  requests = new Map<string, RequestRecord>();
  accounts = new Map<string, AccountRecord>();
  idempotency = new Map<string, IdempotencyRecord>();
  mail: MailRecord[] = [];
  seq = 0;
  clockOffsetMs = 0;

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) this.#load(file);
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  reset(): void {
    this.requests.clear();
    this.accounts.clear();
    this.idempotency.clear();
    this.mail = [];
    this.seq = 0;
    this.clockOffsetMs = 0;
    this.save();
  }

  save(): void {
    if (!this.file) return;
    const snapshot: Snapshot = {
      clockOffsetMs: this.clockOffsetMs,
      seq: this.seq,
      requests: [...this.requests.values()],
      accounts: [...this.accounts.values()],
      idempotency: Object.fromEntries(this.idempotency),
      mail: this.mail,
    };
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(snapshot));
    renameSync(tmp, this.file);
  }

  #load(file: string): void {
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
    this.clockOffsetMs = snapshot.clockOffsetMs;
    this.seq = snapshot.seq;
    for (const r of snapshot.requests) this.requests.set(r.id, r);
    for (const a of snapshot.accounts) this.accounts.set(a.id, a);
    this.idempotency = new Map(Object.entries(snapshot.idempotency));
    this.mail = snapshot.mail;
  }
}

/** The public view of a request: the API fields only. */
export function publicRequest(r: RequestRecord) {
  return {
    id: r.id,
    status: r.status,
    accountName: r.accountName,
    customerEmail: r.customerEmail,
    accountDomain: r.accountDomain,
    noteToCustomer: r.noteToCustomer,
    userEmails: r.userEmails,
    noteToUsers: r.noteToUsers,
    noteToCiscoApprover: r.noteToCiscoApprover,
    clientReference: r.clientReference,
    locale: r.locale,
    smartAccountId: r.smartAccountId,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    submittedAt: r.submittedAt,
    expiresAt: r.expiresAt,
    activatedAt: r.activatedAt,
    expiredAt: r.expiredAt,
  };
}

/** The public view of an account. */
export function publicAccount(a: AccountRecord) {
  return { id: a.id, name: a.name, domain: a.domain, status: a.status, createdAt: a.createdAt };
}
