/**
 * Table shapes as kysely sees them (camelCase; `CamelCasePlugin` maps to snake_case
 * columns) and the mapping from raw rows to records. The two engines return some
 * columns differently (jsonb → object vs text, timestamptz → Date vs text, bigint →
 * string), so every read goes through the `to…` functions here.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';
import type {
  Customer,
  EmailRecord,
  InboundMail,
  JsonObject,
  MailboxCursor,
  Run,
  Status,
  Transition,
} from './types.js';

type Timestamp = ColumnType<string | Date, string, string>;
type NullableTimestamp = ColumnType<string | Date | null, string | null, string | null>;
type Json = ColumnType<unknown, string, string>;
type Int = ColumnType<number | string, number, number>;

export interface CustomersTable {
  key: string;
  accountName: string;
  accountDomain: string;
  customerEmail: string;
  data: Json;
  status: string;
  requestId: string | null;
  smartAccountId: string | null;
  submittedAt: NullableTimestamp;
  expiresAt: NullableTimestamp;
  activatedAt: NullableTimestamp;
  lastError: string | null;
  sourceFile: string | null;
  sourceRow: number | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  claimedBy: string | null;
  claimedUntil: NullableTimestamp;
}

export interface TransitionsTable {
  id: Generated<Int>;
  key: string;
  fromStatus: string | null;
  toStatus: string;
  at: Timestamp;
  cause: string;
  runId: string | null;
  details: ColumnType<unknown, string | null, string | null>;
}

export interface RunsTable {
  id: string;
  command: string;
  startedAt: Timestamp;
  finishedAt: NullableTimestamp;
  host: string;
  pid: number;
  counts: Json;
  status: string;
}

export interface EmailsTable {
  id: string;
  key: string | null;
  kind: string;
  recipients: Json;
  status: string;
  attempts: number;
  error: string | null;
  recordedAt: Timestamp;
  sentAt: NullableTimestamp;
}

export interface MailboxCursorsTable {
  mailbox: string;
  uidValidity: Int;
  lastUid: Int;
  updatedAt: Timestamp;
}

export interface InboundMailTable {
  messageId: string;
  mailbox: string;
  uid: Int;
  classification: string;
  key: string | null;
  outcome: string;
  reason: string | null;
  at: Timestamp;
}

export interface LocksTable {
  name: string;
  holder: string;
  host: string;
  pid: number;
  token: string;
  acquiredAt: Timestamp;
}

export interface SchemaVersionTable {
  version: number;
  name: string;
  appliedAt: Timestamp;
}

export interface Database {
  customers: CustomersTable;
  transitions: TransitionsTable;
  runs: RunsTable;
  emails: EmailsTable;
  mailboxCursors: MailboxCursorsTable;
  inboundMail: InboundMailTable;
  locks: LocksTable;
  schemaVersion: SchemaVersionTable;
}

const iso = (value: string | Date): string => (value instanceof Date ? value.toISOString() : value);
const isoOrNull = (value: string | Date | null): string | null =>
  value === null ? null : iso(value);
const parseJson = (value: unknown): unknown =>
  typeof value === 'string' ? JSON.parse(value) : value;
const jsonObject = (value: unknown): JsonObject => (parseJson(value) ?? {}) as JsonObject;

export function toCustomer(row: Selectable<CustomersTable>): Customer {
  return {
    key: row.key,
    accountName: row.accountName,
    accountDomain: row.accountDomain,
    customerEmail: row.customerEmail,
    data: jsonObject(row.data),
    status: row.status as Status,
    requestId: row.requestId,
    smartAccountId: row.smartAccountId,
    submittedAt: isoOrNull(row.submittedAt),
    expiresAt: isoOrNull(row.expiresAt),
    activatedAt: isoOrNull(row.activatedAt),
    lastError: row.lastError,
    sourceFile: row.sourceFile,
    sourceRow: row.sourceRow === null ? null : Number(row.sourceRow),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    claimedBy: row.claimedBy,
    claimedUntil: isoOrNull(row.claimedUntil),
  };
}

export function toTransition(row: Selectable<TransitionsTable>): Transition {
  return {
    id: Number(row.id),
    key: row.key,
    from: row.fromStatus as Status | null,
    to: row.toStatus as Status,
    at: iso(row.at),
    cause: row.cause,
    runId: row.runId,
    details: row.details === null ? null : jsonObject(row.details),
  };
}

export function toRun(row: Selectable<RunsTable>): Run {
  return {
    id: row.id,
    command: row.command,
    startedAt: iso(row.startedAt),
    finishedAt: isoOrNull(row.finishedAt),
    host: row.host,
    pid: Number(row.pid),
    counts: jsonObject(row.counts) as Record<string, number>,
    status: row.status as Run['status'],
  };
}

export function toEmail(row: Selectable<EmailsTable>): EmailRecord {
  return {
    id: row.id,
    key: row.key,
    kind: row.kind,
    recipients: (parseJson(row.recipients) ?? []) as string[],
    status: row.status as EmailRecord['status'],
    attempts: Number(row.attempts),
    error: row.error,
    recordedAt: iso(row.recordedAt),
    sentAt: isoOrNull(row.sentAt),
  };
}

export function toCursor(row: Selectable<MailboxCursorsTable>): MailboxCursor {
  return {
    mailbox: row.mailbox,
    uidValidity: Number(row.uidValidity),
    lastUid: Number(row.lastUid),
    updatedAt: iso(row.updatedAt),
  };
}

export function toInboundMail(row: Selectable<InboundMailTable>): InboundMail {
  return {
    messageId: row.messageId,
    mailbox: row.mailbox,
    uid: Number(row.uid),
    classification: row.classification as InboundMail['classification'],
    key: row.key,
    outcome: row.outcome as InboundMail['outcome'],
    reason: row.reason,
    at: iso(row.at),
  };
}
