/**
 * The demo's outgoing mail server: an in-process SMTP sink on a free loopback port
 * that keeps every message it receives (Cisco's mail to customers and our notices)
 * and writes each one as an `.eml` file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

/** One captured message. */
export interface CapturedMail {
  /** File name of the `.eml` under the mail directory. */
  file: string;
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  subject: string;
}

/** A running SMTP sink. */
export interface SmtpCapture {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Messages in arrival order. */
  messages: CapturedMail[];
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** A file-name-safe slug of a subject line. */
function slug(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return ascii.slice(0, 60) || 'message';
}

/**
 * Starts the sink on 127.0.0.1 (port 0: the OS picks a free one). Accepts any sender,
 * any recipient, any AUTH or none; writes `NNN-<subject>.eml` into `mailDir`.
 */
export async function startSmtpCapture(mailDir: string): Promise<SmtpCapture> {
  mkdirSync(mailDir, { recursive: true });
  const messages: CapturedMail[] = [];

  const onData = (
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): void => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks);
      const n = messages.length + 1;
      const envelopeFrom = session.envelope.mailFrom;
      const entry: CapturedMail = {
        file: '',
        from: envelopeFrom ? envelopeFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
        subject: '',
      };
      messages.push(entry);
      simpleParser(raw)
        .then((parsed) => parsed.subject ?? '')
        .catch(() => '')
        .then((subject) => {
          entry.subject = subject;
          entry.file = `${String(n).padStart(3, '0')}-${slug(subject)}.eml`;
          writeFileSync(join(mailDir, entry.file), raw);
          callback();
        })
        .catch((error: unknown) => callback(error as Error));
    });
  };

  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    closeTimeout: 200,
    size: 10 * 1024 * 1024,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'demo' }),
    onData,
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
