/**
 * The requester's mailbox for the demo, where Cisco's confirmations land: the built-in
 * in-memory IMAP server (`hoodiecrow-imap`), else a private Dovecot when it is
 * installed, else none (the inbox step is skipped; the service refresh still runs).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { DOVECOT_BINARY, startDovecot } from './dovecot.js';

/** Which IMAP server to use: `auto` tries built-in, then Dovecot, then none. */
export const MAILBOX_KINDS = ['auto', 'builtin', 'dovecot', 'none'] as const;
export type MailboxKind = (typeof MAILBOX_KINDS)[number];

/** A running requester mailbox. */
export interface RequesterMailbox {
  /** `builtin` (hoodiecrow-imap in this process), `dovecot`, or `none`. */
  kind: 'builtin' | 'dovecot' | 'none';
  /** `imap://user:pass@127.0.0.1:port/INBOX`; undefined for `none`. */
  imapUrl: string | undefined;
  port: number | undefined;
  /** Why the mailbox is `none` or why a preferred server was passed over. */
  notes: string[];
  close(): Promise<void>;
}

const USER = 'requester';

const url = (password: string, port: number) =>
  `imap://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/INBOX`;

/** hoodiecrow-imap on a free loopback port, with one user and an empty INBOX. */
async function startBuiltin(password: string): Promise<RequesterMailbox> {
  const { default: hoodiecrow } = await import('hoodiecrow-imap');
  const server = hoodiecrow({
    plugins: ['ID', 'IDLE', 'UIDPLUS', 'ENABLE', 'LITERALPLUS', 'UNSELECT', 'MOVE', 'NAMESPACE'],
    users: { [USER]: { password } },
    storage: {
      INBOX: { uidvalidity: Math.floor(Date.now() / 1000), messages: [] },
      '': { separator: '/', folders: {} },
    },
    debug: false,
  });
  const sockets = new Set<Socket>();
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    kind: 'builtin',
    imapUrl: url(password, port),
    port,
    notes: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

async function startDovecotMailbox(password: string): Promise<RequesterMailbox> {
  const dovecot = await startDovecot(USER, password);
  return {
    kind: 'dovecot',
    imapUrl: url(password, dovecot.port),
    port: dovecot.port,
    notes: [],
    close: () => dovecot.stop(),
  };
}

const none = (notes: string[]): RequesterMailbox => ({
  kind: 'none',
  imapUrl: undefined,
  port: undefined,
  notes,
  close: () => Promise.resolve(),
});

/** Starts the mailbox `kind` asks for; `auto` falls back step by step and says why. */
export async function startRequesterMailbox(kind: MailboxKind): Promise<RequesterMailbox> {
  const password = randomBytes(9).toString('base64url');
  const notes: string[] = [];
  if (kind === 'none') return none(['no mailbox requested (--imap none)']);
  if (kind === 'builtin' || kind === 'auto') {
    try {
      return await startBuiltin(password);
    } catch (error) {
      notes.push(`built-in IMAP server did not start: ${(error as Error).message}`);
      if (kind === 'builtin') return none(notes);
    }
  }
  if (!existsSync(DOVECOT_BINARY)) {
    notes.push(`Dovecot is not installed (${DOVECOT_BINARY})`);
    return none(notes);
  }
  try {
    const mailbox = await startDovecotMailbox(password);
    mailbox.notes.push(...notes);
    return mailbox;
  } catch (error) {
    notes.push((error as Error).message);
    return none(notes);
  }
}
