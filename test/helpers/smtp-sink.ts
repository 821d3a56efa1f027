import type { AddressObject, ParsedMail } from 'mailparser';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

/** One message the sink accepted, parsed with mailparser. */
export interface ReceivedMail {
  /** The SMTP envelope: MAIL FROM and every RCPT TO (Bcc recipients appear only here). */
  envelope: { from: string; to: string[] };
  /** Address in the From header (lower case), or '' when absent. */
  from: string;
  /** Addresses in the To header (lower case). */
  to: string[];
  subject: string;
  text: string;
  /** The HTML part, or '' when the message has none. */
  html: string;
  /** Header name (lower case) → unfolded value; repeated headers joined by '\n'. */
  headers: Record<string, string>;
  /** The Message-ID header with its angle brackets, or '' when absent. */
  messageId: string;
  /** The message exactly as received. */
  raw: Buffer;
  /** The full mailparser result, for anything else (attachments, cc, ...). */
  parsed: ParsedMail;
}

export interface SmtpSinkOptions {
  /** RCPT TO address (case-insensitive) → the error reply the sink gives it. */
  rejectRecipients?: Record<string, { code: number; message: string }>;
  /** Answer the first N messages' DATA with a transient `451`, then accept. */
  failFirst?: number;
  /** Offer STARTTLS with smtp-server's built-in test certificate (default: off). */
  starttls?: boolean;
}

/** An in-process SMTP server on 127.0.0.1 that keeps what it receives. */
export interface SmtpSink {
  port: number;
  /** `smtp://127.0.0.1:port` */
  url: string;
  /** Accepted messages in arrival order. */
  messages: ReceivedMail[];
  /** DATA attempts refused because of `failFirst`. */
  readonly transientFailures: number;
  /** Resolves with the messages once at least `count` arrived; rejects after timeoutMs. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((o) => o.value.map((a) => (a.address ?? '').toLowerCase()));
}

function headerRecord(parsed: ParsedMail): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    const value = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    out[key] = out[key] === undefined ? value : `${out[key]}\n${value}`;
  }
  return out;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Starts the sink on a free port. Accepts any AUTH, or none. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const reject = new Map(
    Object.entries(options.rejectRecipients ?? {}).map(([a, r]) => [a.toLowerCase(), r]),
  );
  let failuresLeft = options.failFirst ?? 0;
  let transientFailures = 0;

  const onData = (
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        transientFailures += 1;
        callback(smtpError(451, 'Temporary local problem, try again later'));
        return;
      }
      const raw = Buffer.concat(chunks);
      simpleParser(raw).then(
        (parsed) => {
          const from = session.envelope.mailFrom;
          messages.push({
            envelope: {
              from: from ? from.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            from: addresses(parsed.from)[0] ?? '',
            to: addresses(parsed.to),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            headers: headerRecord(parsed),
            messageId: parsed.messageId ?? '',
            raw,
            parsed,
          });
          for (const wake of waiters) wake();
          callback();
        },
        (err: Error) => callback(smtpError(554, `unparseable message: ${err.message}`)),
      );
    });
  };

  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: options.starttls ? [] : ['STARTTLS'],
    closeTimeout: 200,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    onRcptTo: (address, _session, callback) => {
      const r = reject.get(address.address.toLowerCase());
      callback(r ? smtpError(r.code, r.message) : null);
    },
    onData,
  });
  server.on('error', () => undefined);

  await new Promise<void>((resolve, rejectListen) => {
    server.server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const waitFor = (count: number, timeoutMs = 5_000): Promise<ReceivedMail[]> =>
    new Promise((resolve, rejectWait) => {
      const check = () => {
        if (messages.length < count) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve([...messages]);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        rejectWait(
          new Error(`smtp sink: ${messages.length} of ${count} messages after ${timeoutMs} ms`),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get transientFailures() {
      return transientFailures;
    },
    waitFor,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
