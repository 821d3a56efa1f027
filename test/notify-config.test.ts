import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMailer,
  dueReminderDay,
  notifySettingsFromEnv,
  redactUrl,
  smtpOptionsFromEnv,
} from '../src/batch/notify/index.js';
import { transportOptions } from '../src/batch/notify/mailer.js';
import { startSmtpSink } from './helpers/smtp-sink.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('mail settings from the environment', () => {
  it('reads SMART_ONBOARD_SMTP_URL and SMART_ONBOARD_MAIL_FROM; smtps means TLS on 465', () => {
    const options = smtpOptionsFromEnv({
      SMART_ONBOARD_SMTP_URL: 'smtps://ops%40dist.example:p%40ss@mail.dist.example',
      SMART_ONBOARD_MAIL_FROM: 'Dist GmbH <ops@dist.example>',
      SMART_ONBOARD_SMTP_RATE_LIMIT: '10',
      SMART_ONBOARD_SMTP_MAX_CONNECTIONS: '3',
    });
    expect(transportOptions(options)).toMatchObject({
      host: 'mail.dist.example',
      port: 465,
      secure: true,
      auth: { user: 'ops@dist.example', pass: 'p@ss' },
      pool: true,
      maxConnections: 3,
      rateLimit: 10,
      rateDelta: 1000,
    });
    const plain = transportOptions(
      smtpOptionsFromEnv({
        SMART_ONBOARD_SMTP_URL: 'smtp://relay.example',
        SMART_ONBOARD_MAIL_FROM: 'a@b.example',
        SMART_ONBOARD_SMTP_REQUIRE_TLS: 'true',
      }),
    );
    expect(plain).toMatchObject({ port: 587, secure: false, requireTLS: true });
  });

  it('takes OAuth2 (refresh-token flow or access token) instead of a password', () => {
    const options = smtpOptionsFromEnv({
      SMART_ONBOARD_SMTP_URL: 'smtp://smtp.office365.com:587',
      SMART_ONBOARD_MAIL_FROM: 'ops@dist.example',
      SMART_ONBOARD_SMTP_USER: 'ops@dist.example',
      SMART_ONBOARD_SMTP_OAUTH2_CLIENT_ID: 'client',
      SMART_ONBOARD_SMTP_OAUTH2_CLIENT_SECRET: 'secret',
      SMART_ONBOARD_SMTP_OAUTH2_REFRESH_TOKEN: 'refresh',
      SMART_ONBOARD_SMTP_OAUTH2_TOKEN_URL: 'https://login.microsoftonline.com/t/oauth2/v2.0/token',
    });
    expect(transportOptions(options).auth).toEqual({
      type: 'OAuth2',
      user: 'ops@dist.example',
      clientId: 'client',
      clientSecret: 'secret',
      refreshToken: 'refresh',
      accessUrl: 'https://login.microsoftonline.com/t/oauth2/v2.0/token',
    });
    expect(() =>
      createMailer({
        url: 'smtp://h',
        from: 'a@b.example',
        auth: { type: 'oauth2', user: 'u', clientId: 'c' },
      }),
    ).toThrow(/OAuth2 for SMTP needs/);
  });

  it('reads a password from a file the environment names, and never prints it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'so-mailcfg-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'pw'), 'file-secret-123\n');
    const options = smtpOptionsFromEnv({
      SMART_ONBOARD_SMTP_URL: 'smtp://ops@relay.example:2525',
      SMART_ONBOARD_MAIL_FROM: 'ops@dist.example',
      SMART_ONBOARD_SMTP_PASSWORD_FILE: join(dir, 'pw'),
    });
    expect(options.auth).toEqual({ type: 'password', user: 'ops', pass: 'file-secret-123' });
    const mailer = createMailer(options);
    expect(mailer.location).toBe('smtp://ops@relay.example:2525');
    mailer.close();
  });

  it('explains what is missing, with the password redacted', () => {
    expect(() => smtpOptionsFromEnv({})).toThrow(/SMART_ONBOARD_SMTP_URL/);
    expect(() => smtpOptionsFromEnv({ SMART_ONBOARD_SMTP_URL: 'smtp://h' })).toThrow(
      /SMART_ONBOARD_MAIL_FROM/,
    );
    let message = '';
    try {
      createMailer({ url: 'imap://u:hunter22@h', from: 'a@b.example' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('must start with smtp:// or smtps://');
    expect(message).not.toContain('hunter22');
    expect(redactUrl('smtp://u:hunter22@h:25')).toBe('smtp://u:***@h:25');
  });

  it('reads templates dir, default locale, ops address and reminder schedule', () => {
    expect(notifySettingsFromEnv({})).toEqual({
      defaultLocale: 'en',
      timeZone: 'UTC',
      opsEmail: [],
      reminderDays: [30, 14, 3],
    });
    expect(
      notifySettingsFromEnv({
        SMART_ONBOARD_TEMPLATES_DIR: './mail',
        SMART_ONBOARD_LOCALE: 'de',
        SMART_ONBOARD_OPS_EMAIL: 'a@x.example, b@x.example',
        SMART_ONBOARD_REMINDER_DAYS: '7,21',
      }),
    ).toMatchObject({
      templatesDir: './mail',
      defaultLocale: 'de',
      opsEmail: ['a@x.example', 'b@x.example'],
      reminderDays: [21, 7],
    });
  });
});

describe('dueReminderDay', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString();
  it('gives the most urgent mark reached, none before 30 days or after expiry', () => {
    expect(dueReminderDay(inDays(45), now)).toBeUndefined();
    expect(dueReminderDay(inDays(30), now)).toBe(30);
    expect(dueReminderDay(inDays(20), now)).toBe(30);
    expect(dueReminderDay(inDays(10), now)).toBe(14);
    expect(dueReminderDay(inDays(2), now)).toBe(3);
    expect(dueReminderDay(inDays(-1), now)).toBeUndefined();
  });
});

describe('DKIM', () => {
  it('signs outgoing mail when configured', async () => {
    const sink = await startSmtpSink();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const mailer = createMailer({
      url: sink.url,
      from: 'ops@dist.example',
      dkim: {
        domainName: 'dist.example',
        keySelector: 'so2026',
        privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      },
    });
    try {
      const result = await mailer.send({
        messageId: '<t.1@smart-onboard.invalid>',
        to: ['x@y.example'],
        subject: 'S',
        text: 'T',
        html: '<p>H</p>',
      });
      expect(result.status).toBe('sent');
      const [mail] = await sink.waitFor(1);
      expect(mail!.headers['dkim-signature']).toMatch(/d=dist\.example; .*s=so2026/);
    } finally {
      mailer.close();
      await sink.close();
    }
  });
});
