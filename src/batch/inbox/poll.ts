/**
 * One incremental poll of the requester's mailbox (DESIGN §5, §8).
 *
 * Order per email, so a crash never loses one and never applies one twice:
 * `handle` → `store.recordInboundMail` (committed) → mark processed (keyword or move)
 * → advance the cursor. A UIDVALIDITY change (or no cursor) reads the whole mailbox,
 * deduplicated by Message-ID. `handle` may run again for an email whose record was not
 * committed before a crash, so it must be idempotent (reconcile's guarded transitions are).
 */
import type { ImapFlow } from 'imapflow';
import type { Store } from '../store/index.js';
import { backoffDelay, sleep } from './backoff.js';
import { type EnvelopeEntry, listEnvelopes } from './candidates.js';
import { type ClassifyRules, classifyMail, classifyRules } from './classify.js';
import { connectClient, disconnect, errorCode, isConnectionError, unavailable } from './client.js';
import { type InboxConfig, serverOf } from './config.js';
import { InboxUnavailableError } from './errors.js';
import { markProcessed, prepareProcessedTarget } from './mark.js';
import type { ClassifiedMail, HandleMail, InboxLogger, PollSummary } from './types.js';

export interface PollInboxOptions {
  config: InboxConfig;
  store: Store;
  /** The caller's decision about each new email. */
  handle: HandleMail;
  /** @default silent */
  logger?: InboxLogger;
  /** Stops between emails; what was handled is recorded, marked and the cursor saved. */
  signal?: AbortSignal;
}

/** Emails downloaded, handled and marked per step (one FETCH, one STORE, one cursor write). */
const CHUNK = 50;

const silent: InboxLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** The store key of a mailbox: `user@host/MAILBOX` (never the password). */
export const mailboxKey = (config: InboxConfig): string =>
  `${config.user}@${config.host}/${config.mailbox}`;

/** Carries an error thrown by `handle` past the reconnect logic unchanged. */
class HandlerFailure {
  constructor(readonly error: unknown) {}
}

interface Session {
  config: InboxConfig;
  store: Store;
  handle: HandleMail;
  logger: InboxLogger;
  signal: AbortSignal | undefined;
  rules: ClassifyRules;
  key: string;
}

/**
 * Reads new mail since the stored cursor and hands each Cisco-looking email to `handle`
 * once. Throws {@link InboxUnavailableError} when the server cannot be reached or
 * drops the connection more often than `config.reconnect.retries` allows; an error
 * thrown by `handle` is rethrown as is (what was done before it is kept).
 */
export async function pollInbox(options: PollInboxOptions): Promise<PollSummary> {
  const { config, signal } = options;
  const session: Session = {
    ...options,
    logger: options.logger ?? silent,
    signal,
    rules: classifyRules(config),
    key: mailboxKey(config),
  };
  const summary: PollSummary = {
    mailbox: config.mailbox,
    fetched: 0,
    candidates: 0,
    processed: [],
    skippedDuplicates: 0,
    uidValidityChanged: false,
    cursor: { uidValidity: 0, lastUid: 0 },
    connections: 0,
  };
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    let client: ImapFlow | undefined;
    try {
      client = await connectClient(config, session.logger);
      summary.connections++;
      await runSession(client, session, summary);
      await disconnect(client);
      return summary;
    } catch (error) {
      client?.close();
      if (error instanceof HandlerFailure) throw error.error;
      if (!isConnectionError(error)) throw error;
      const failure = unavailable(config, error, client ? 'session' : 'connect');
      if (attempt >= config.reconnect.retries || signal?.aborted) throw failure;
      const delay = backoffDelay(attempt + 1, config.reconnect);
      session.logger.warn('inbox: connection failed, reconnecting', {
        server: serverOf(config),
        attempt: attempt + 1,
        delayMs: delay,
        error: failure.message,
      });
      await sleep(delay, signal);
    }
  }
}

async function runSession(client: ImapFlow, s: Session, summary: PollSummary): Promise<void> {
  const { config, store } = s;
  let box;
  try {
    box = await client.mailboxOpen(config.mailbox);
  } catch (error) {
    if (isConnectionError(error)) throw error;
    throw new InboxUnavailableError(
      `cannot open mailbox "${config.mailbox}" on ${serverOf(config)}: ${(error as Error).message}`,
      serverOf(config),
      'mailbox',
      { cause: error },
    );
  }
  const uidValidity = Number(box.uidValidity);
  const stored = await store.getMailboxCursor(s.key);
  const resync = stored === undefined || stored.uidValidity !== uidValidity;
  let lastUid = resync ? 0 : stored.lastUid;
  summary.uidValidityChanged ||= resync;
  summary.cursor = { uidValidity, lastUid };
  if (resync) {
    s.logger.info('inbox: reading the whole mailbox', {
      mailbox: config.mailbox,
      storedUidValidity: stored?.uidValidity ?? null,
      uidValidity,
    });
  }

  const saveCursor = async (uid: number): Promise<void> => {
    if (uid <= lastUid && !resync) return;
    await store.setMailboxCursor({ mailbox: s.key, uidValidity, lastUid: uid });
    lastUid = uid;
    summary.cursor = { uidValidity, lastUid: uid };
  };

  // Nothing new: SELECT already told us; no FETCH, no store write.
  if (box.exists === 0 || box.uidNext <= lastUid + 1) {
    if (resync) await saveCursor(0);
    return;
  }

  const entries = await listEnvelopes(client, lastUid, s.rules);
  summary.fetched += entries.length;
  const candidates = entries.filter((e) => e.candidate);
  summary.candidates += candidates.length;
  if (candidates.length) {
    await prepareProcessedTarget(client, config.processed);
    const seen = new Set((await store.listInboundMail()).map((m) => m.messageId));
    for (let i = 0; i < candidates.length; i += CHUNK) {
      await processChunk(
        client,
        s,
        summary,
        candidates.slice(i, i + CHUNK),
        seen,
        uidValidity,
        saveCursor,
      );
    }
  }
  const last = entries[entries.length - 1];
  await saveCursor(Math.max(last?.uid ?? 0, lastUid));
}

async function processChunk(
  client: ImapFlow,
  s: Session,
  summary: PollSummary,
  chunk: EnvelopeEntry[],
  seen: Set<string>,
  uidValidity: number,
  saveCursor: (uid: number) => Promise<void>,
): Promise<void> {
  const toFetch = chunk.filter((e) => !(e.messageId && seen.has(e.messageId)));
  const sources = new Map<number, Buffer>();
  if (toFetch.length) {
    const range = toFetch.map((e) => e.uid).join(',');
    for (const msg of await client.fetchAll(range, { uid: true, source: true }, { uid: true })) {
      if (msg.source) sources.set(msg.uid, msg.source);
    }
  }
  const classified = new Map<number, ClassifiedMail>();
  await Promise.all(
    [...sources].map(async ([uid, source]) => {
      const mail = await classifyMail(source, s.rules);
      classified.set(uid, { ...mail, mailbox: s.config.mailbox, uid, uidValidity });
    }),
  );

  /** Accounted for (cursor may pass them) and to be marked processed. */
  const accounted = new Set<number>();
  const done: number[] = [];
  let handlerError: HandlerFailure | undefined;
  for (const entry of chunk) {
    if (s.signal?.aborted) break;
    const mail = classified.get(entry.uid);
    const messageId = mail?.messageId ?? entry.messageId;
    if (seen.has(messageId)) {
      summary.skippedDuplicates++;
      accounted.add(entry.uid);
      done.push(entry.uid);
      continue;
    }
    if (!mail) {
      accounted.add(entry.uid); // expunged meanwhile: nothing to account for
      continue;
    }
    let outcome;
    try {
      outcome = await s.handle(mail);
    } catch (error) {
      handlerError = new HandlerFailure(error);
      break;
    }
    const { existed } = await s.store.recordInboundMail({
      messageId,
      mailbox: s.key,
      uid: entry.uid,
      classification: mail.kind,
      key: outcome.key ?? null,
      outcome: outcome.outcome,
      reason: outcome.reason ?? null,
    });
    seen.add(messageId);
    accounted.add(entry.uid);
    done.push(entry.uid);
    if (existed) summary.skippedDuplicates++;
    else {
      summary.processed.push({
        uid: entry.uid,
        messageId,
        kind: mail.kind,
        trusted: mail.trusted,
        outcome: outcome.outcome,
        reason: outcome.reason ?? null,
        key: outcome.key ?? null,
      });
    }
  }

  // The records are committed; now mark, then move the cursor past what is done.
  let marked = true;
  try {
    await markProcessed(client, s.config.processed, done);
  } catch (error) {
    if (isConnectionError(error) && !handlerError) throw error;
    marked = false;
    s.logger.warn('inbox: could not mark processed mail', {
      uids: done,
      code: errorCode(error),
      error: (error as Error).message,
    });
  }
  const firstOpen = chunk.find((e) => !accounted.has(e.uid));
  const through = firstOpen ? firstOpen.uid - 1 : (chunk[chunk.length - 1]?.uid ?? 0);
  if (marked && !handlerError) await saveCursor(through);
  else if (marked) await saveCursor(through).catch(() => undefined);
  if (handlerError) throw handlerError;
  s.signal?.throwIfAborted();
}
