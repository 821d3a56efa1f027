import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dovecot, startDovecot } from './helpers/dovecot.js';
import { freePort, isPortOpen, waitForPort } from './helpers/ports.js';
import { startSmtpSink } from './helpers/smtp-sink.js';

describe('ports helper', () => {
  it('finds a free port and waits for it to open', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(1024);
    expect(await isPortOpen(port)).toBe(false);
    await expect(waitForPort(port, 200)).rejects.toThrow(/did not open/);
  });
});

describe('smtp sink', () => {
  it('receives and parses what nodemailer sends', async () => {
    const sink = await startSmtpSink();
    // Any credentials are accepted.
    const transport = nodemailer.createTransport(sink.url.replace('//', '//any:thing@'));
    try {
      await transport.sendMail({
        from: 'Ops <ops@partner.example>',
        to: 'Anna <anna@kunde.example>',
        bcc: 'audit@partner.example',
        subject: 'Grüße <test>',
        text: 'plain body',
        html: '<p>html body</p>',
        messageId: '<m1@partner.example>',
        headers: { 'X-Row-Key': 'row-1' },
      });
      const [mail] = await sink.waitFor(1);
      expect(mail).toBeDefined();
      expect(mail?.envelope).toEqual({
        from: 'ops@partner.example',
        to: ['anna@kunde.example', 'audit@partner.example'],
      });
      expect(mail?.from).toBe('ops@partner.example');
      expect(mail?.to).toEqual(['anna@kunde.example']);
      expect(mail?.subject).toBe('Grüße <test>');
      expect(mail?.text.trim()).toBe('plain body');
      expect(mail?.html).toContain('<p>html body</p>');
      expect(mail?.messageId).toBe('<m1@partner.example>');
      expect(mail?.headers['x-row-key']).toBe('row-1');
      expect(mail?.raw.toString()).toContain('X-Row-Key: row-1');
    } finally {
      transport.close();
      await sink.close();
    }
  });

  it('rejects configured recipients with their code, and fails the first N messages', async () => {
    const sink = await startSmtpSink({
      rejectRecipients: { 'Gone@Kunde.example': { code: 550, message: 'No such user' } },
      failFirst: 1,
    });
    const transport = nodemailer.createTransport(sink.url);
    try {
      const rejected = transport.sendMail({
        from: 'ops@partner.example',
        to: 'gone@kunde.example',
        subject: 'x',
        text: 'x',
      });
      await expect(rejected).rejects.toMatchObject({ responseCode: 550 });
      await expect(rejected).rejects.toThrow(/No such user/);

      const mail = { from: 'ops@partner.example', to: 'ok@kunde.example', subject: 'y', text: 'y' };
      await expect(transport.sendMail(mail)).rejects.toMatchObject({ responseCode: 451 });
      expect(sink.transientFailures).toBe(1);
      await transport.sendMail(mail);
      expect((await sink.waitFor(1)).map((m) => m.subject)).toEqual(['y']);
      await expect(sink.waitFor(2, 100)).rejects.toThrow(/1 of 2/);
    } finally {
      transport.close();
      await sink.close();
    }
  });
});

describe('dovecot', () => {
  let dovecot: Dovecot;
  beforeAll(async () => {
    dovecot = await startDovecot({
      users: { ops: 'secret', 'anna@partner.example': 'p@ss/wö rd%' },
    });
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  const client = (user = 'ops') =>
    new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      auth: { user, pass: dovecot.users[user] ?? '' },
      logger: false,
    });

  it('builds URL-encoded IMAP URLs', () => {
    expect(dovecot.imapUrl('ops')).toBe(`imap://ops:secret@127.0.0.1:${dovecot.port}/INBOX`);
    const url = new URL(dovecot.imapUrl('anna@partner.example', 'Cisco/Done'));
    expect(url.host).toBe(`127.0.0.1:${dovecot.port}`);
    expect(decodeURIComponent(url.username)).toBe('anna@partner.example');
    expect(decodeURIComponent(url.password)).toBe('p@ss/wö rd%');
    expect(decodeURIComponent(url.pathname.slice(1))).toBe('Cisco/Done');
    expect(() => dovecot.imapUrl('nobody')).toThrow(/no Dovecot user/);
  });

  it('takes a login and an append, and keeps the mail across stop and start', async () => {
    const raw = 'From: a@b.example\r\nSubject: kept across restarts\r\n\r\nbody\r\n';
    const c = client();
    await c.connect();
    const appended = await c.append('INBOX', raw);
    expect(appended && appended.uid).toBeGreaterThan(0);
    const lock = await c.getMailboxLock('INBOX');
    try {
      const msg = await c.fetchOne('*', { envelope: true });
      expect(msg && msg.envelope?.subject).toBe('kept across restarts');
    } finally {
      lock.release();
    }
    await c.logout();

    await dovecot.stop();
    const refused = client();
    refused.on('error', () => undefined);
    await expect(refused.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await dovecot.start();
    const again = client();
    await again.connect();
    const status = await again.status('INBOX', { messages: true });
    expect(status && status.messages).toBe(1);
    await again.logout();
  });

  it('logs in a second user whose password needs encoding', async () => {
    const c = client('anna@partner.example');
    await c.connect();
    expect(c.authenticated).toBeTruthy();
    await c.logout();
  });

  it('refuses a wrong password without slowing later logins', async () => {
    const c = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      auth: { user: 'ops', pass: 'wrong' },
      logger: false,
    });
    c.on('error', () => undefined);
    await expect(c.connect()).rejects.toMatchObject({ authenticationFailed: true });
    // Dovecot's auth penalty would hold the next login from 127.0.0.1 for seconds.
    const started = Date.now();
    const ok = client();
    await ok.connect();
    await ok.logout();
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
