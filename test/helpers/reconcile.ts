/**
 * Helpers for the `smart-onboard reconcile` tests: a "world" of sandbox + Dovecot
 * mailbox + SMTP sink + a private SQLite state file, and the built CLI run against it
 * as a real process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import {
  type CiscoMailKind,
  type CiscoMailRequest,
  composeCiscoMail,
  renderRaw,
} from '../../src/sandbox/mail/compose.js';
import { cliPath } from './cli.js';
import type { Dovecot } from './dovecot.js';
import { type TestSandbox, startTestSandbox } from './sandbox.js';
import type { SmtpSink } from './smtp-sink.js';

/** How a CLI process ended. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, in milliseconds. */
  ms: number;
}

/** This process's environment without anything that could configure the CLI, plus `extra`. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('SMART_ONBOARD_') || k === 'DATABASE_URL' || k.startsWith('VITEST')) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Starts `node dist/cli/index.js <args>`; the promise never rejects. */
export function spawnCli(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs = 45_000,
): { child: ChildProcess; done: Promise<CliResult> } {
  const started = Date.now();
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const done = new Promise<CliResult>((resolve) => {
    const timer = setTimeout(() => {
      stderr += `\n[test helper] killed after ${timeoutMs} ms\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
  return { child, done };
}

/** One processed email in reconcile's `--json` summary. */
export interface ProcessedMailJson {
  uid: number;
  messageId: string;
  kind: string;
  trusted: boolean;
  outcome: string;
  reason: string | null;
  key: string | null;
}

/** What `reconcile --json` prints (the parts the tests look at). */
export interface ReconcileJson {
  inbox:
    | {
        fetched: number;
        candidates: number;
        processed: ProcessedMailJson[];
        skippedDuplicates: number;
        uidValidityChanged: boolean;
      }
    | { skipped: string }
    | { error: string };
  refresh:
    { checked: number; activated: number; expired: number; attention: number } | { error: string };
  expiredOverdue: number;
  remindersSent: number;
  expiredNoticesSent: number;
  problems: number;
  unreachable: string[];
  summary: Record<string, number | null>;
}

/** One customer in the report JSON. */
export interface ReportCustomerJson {
  key: string;
  accountName: string;
  accountDomain: string;
  customerEmail: string;
  status: string;
  requestId: string | null;
  activatedAt: string | null;
  expiresAt: string | null;
  remindersSent: number;
  lastError: string | null;
}

/** One entry of the report's `unmatchedMail`. */
export interface ReportMailJson {
  messageId: string;
  mailbox: string;
  uid: number;
  classification: string;
  key: string | null;
  outcome: 'unmatched' | 'suspicious' | 'attention';
  reason: string | null;
}

/** The report JSON written by reconcile (the parts the tests look at). */
export interface ReportJson {
  version: number;
  summary: Record<string, number | null>;
  customers: ReportCustomerJson[];
  unmatchedMail: ReportMailJson[];
}

/** A reconcile run: the process result, its parsed `--json` line and the report it wrote. */
export interface ReconcileRun extends CliResult {
  /** Parsed stdout; undefined when stdout was not one JSON line. */
  json: ReconcileJson | undefined;
  /** Parsed report.json from --report-dir; undefined when none was written. */
  report: ReportJson | undefined;
}

/** `inbox` of a summary when the poll ran; throws otherwise (with the summary, for the failure message). */
export function polled(json: ReconcileJson | undefined) {
  if (!json || !('fetched' in json.inbox)) {
    throw new Error(`the inbox was not polled: ${JSON.stringify(json?.inbox)}`);
  }
  return json.inbox;
}

export interface WorldOptions {
  /** A Dovecot shared by the test file; the world reads and fills `mailboxUser`'s INBOX. */
  dovecot?: Dovecot;
  mailboxUser?: string;
  /** The folder Cisco's mail lands in and reconcile reads. @default 'INBOX' */
  mailbox?: string;
  /** SMTP sink for the CLI's reminders and notices; unset runs with `--no-email`. */
  sink?: SmtpSink;
  opsEmail?: string;
}

/** One sandbox, one state file, one mailbox: everything a reconcile test needs. */
export interface World {
  sandbox: TestSandbox;
  dir: string;
  state: string;
  reportDir: string;
  env: Record<string, string>;
  /** Writes `count` customers to a CSV and submits it (exit 0 expected). */
  submit(count: number, tag: string): Promise<CliResult>;
  /**
   * Runs reconcile with --state, --report-dir (JSON only) and `--now` = the sandbox
   * clock; with `--json` unless `json: false` (the human output on stdout/stderr).
   */
  reconcile(extra?: string[], options?: { json?: boolean }): Promise<ReconcileRun>;
  /** Starts reconcile without waiting (for the single-flight test). */
  spawnReconcile(extra?: string[]): { child: ChildProcess; done: Promise<CliResult> };
  /** Runs any CLI command with the world's environment. */
  cli(args: string[]): Promise<CliResult>;
  /** The sandbox's requests, by clientReference (= row key). */
  requests(): Promise<SandboxRequest[]>;
  /** Plays the customer: activates a request (the confirmation lands in the mailbox). */
  activate(requestId: string): Promise<void>;
  advanceDays(days: number): Promise<string>;
  clock(): Promise<string>;
  close(): Promise<void>;
}

/** A request as `GET /_sandbox/state` shows it. */
export interface SandboxRequest {
  id: string;
  status: string;
  clientReference: string | null;
  accountName: string;
  accountDomain: string;
  customerEmail: string;
  expiresAt: string | null;
  activatedAt: string | null;
  smartAccountId: string | null;
  locale?: string;
}

/** `count` customers as an English-header CSV; domains `<tag>-kunde<i>.example`. */
export function customersCsv(count: number, tag: string): string {
  const lines = ['Account Name,Customer Email,Account Domain,Note to Customer'];
  for (let i = 0; i < count; i++) {
    lines.push(
      `Kunde ${tag} ${i} GmbH,info@${tag}-kunde${i}.example,${tag}-kunde${i}.example,Hallo`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const user = options.mailboxUser ?? 'ops';
  const imapUrl = options.dovecot?.imapUrl(user, options.mailbox ?? 'INBOX');
  const sandbox = await startTestSandbox({
    ...(imapUrl ? { requesterImapUrl: imapUrl } : {}),
    requesterEmail: `${user}@partner.example`,
  });
  const dir = mkdtempSync(join(tmpdir(), 'so-reconcile-'));
  const state = join(dir, 'state.db');
  const reportDir = join(dir, 'reports');
  const env: Record<string, string> = {
    SMART_ONBOARD_BASE_URL: sandbox.baseUrl,
    SMART_ONBOARD_TOKEN_URL: sandbox.tokenUrl,
    SMART_ONBOARD_CLIENT_ID: sandbox.clientId,
    SMART_ONBOARD_CLIENT_SECRET: sandbox.clientSecret,
    ...(imapUrl ? { SMART_ONBOARD_IMAP_URL: imapUrl } : {}),
    ...(options.sink
      ? {
          SMART_ONBOARD_SMTP_URL: options.sink.url,
          SMART_ONBOARD_MAIL_FROM: 'Distribution GmbH <onboarding@distribution.example>',
          SMART_ONBOARD_OPS_EMAIL: options.opsEmail ?? 'ops-team@distribution.example',
        }
      : {}),
  };
  const cli = (args: string[]) => spawnCli(args, env, dir).done;
  const clock = async () => {
    const res = await sandbox.call<{ now: string }>('GET', '/_sandbox/clock');
    return res.body.now;
  };
  const reconcileArgs = async (extra: string[], json: boolean) => [
    'reconcile',
    '--state',
    state,
    ...(json ? ['--json'] : []),
    '--report-dir',
    reportDir,
    '--formats',
    'json',
    '--now',
    await clock(),
    ...(options.sink ? [] : ['--no-email']),
    ...extra,
  ];
  const reportFile = join(reportDir, 'report.json');

  return {
    sandbox,
    dir,
    state,
    reportDir,
    env,
    async submit(count, tag) {
      const csv = join(dir, `${tag}.csv`);
      writeFileSync(csv, customersCsv(count, tag));
      return cli(['submit', csv, '--state', state, '--no-email', '--json']);
    },
    async reconcile(extra = [], { json: asJson = true } = {}) {
      rmSync(reportFile, { force: true });
      const result = await cli(await reconcileArgs(extra, asJson));
      let json: ReconcileJson | undefined;
      try {
        json = JSON.parse(result.stdout) as ReconcileJson;
      } catch {
        json = undefined;
      }
      const report = existsSync(reportFile)
        ? (JSON.parse(readFileSync(reportFile, 'utf8')) as ReportJson)
        : undefined;
      return { ...result, json, report };
    },
    spawnReconcile(extra = []) {
      // --now is left out so both processes start at the same moment.
      return spawnCli(
        ['reconcile', '--state', state, '--json', '--report-dir', reportDir, '--formats', 'json']
          .concat(options.sink ? [] : ['--no-email'])
          .concat(extra),
        env,
        dir,
      );
    },
    cli: (args) => cli(args),
    async requests() {
      const res = await sandbox.call<{ requests: SandboxRequest[] }>('GET', '/_sandbox/state');
      return res.body.requests;
    },
    async activate(requestId) {
      const res = await sandbox.call('POST', `/_sandbox/account-requests/${requestId}/activate`);
      if (res.status !== 200) throw new Error(`activate ${requestId}: ${JSON.stringify(res.body)}`);
    },
    async advanceDays(days) {
      const res = await sandbox.call<{ now: string }>('POST', '/_sandbox/clock', {
        body: { advanceDays: days },
      });
      return res.body.now;
    },
    clock,
    async close() {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` with a logged-in imapflow client for the user and mailbox of `imapUrl`. */
export async function withImap<T>(
  imapUrl: string,
  fn: (client: ImapFlow, mailbox: string) => Promise<T>,
): Promise<T> {
  const u = new URL(imapUrl);
  const client = new ImapFlow({
    host: u.hostname,
    port: Number(u.port),
    secure: false,
    auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) },
    logger: false,
  });
  await client.connect();
  try {
    return await fn(client, decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX');
  } finally {
    await client.logout();
  }
}

/** Appends raw messages to a mailbox, as a mail server delivering them would. */
export function appendMail(imapUrl: string, raws: Buffer[]): Promise<void> {
  return withImap(imapUrl, async (client, mailbox) => {
    for (const raw of raws) await client.append(mailbox, raw);
  });
}

/**
 * One of Cisco's emails about `request`, rendered as the sandbox renders it; `from`
 * overrides the sender (a cisco.com sender gets `Authentication-Results: dkim=pass`).
 */
export async function ciscoMail(
  kind: CiscoMailKind,
  request: SandboxRequest,
  options: { from?: string; messageId?: string; now?: Date } = {},
): Promise<Buffer> {
  const req: CiscoMailRequest = {
    id: request.id,
    accountName: request.accountName,
    accountDomain: request.accountDomain,
    customerEmail: request.customerEmail,
    smartAccountId: request.smartAccountId,
    locale: request.locale === 'de' ? 'de' : 'en',
    expiresAt: request.expiresAt,
    activatedAt: request.activatedAt,
    userEmails: [],
  };
  const mail = composeCiscoMail(kind, req, {
    ...(options.from ? { from: options.from } : {}),
    requesterEmail: 'ops@partner.example',
    now: options.now ?? new Date(),
    activationUrl: 'http://127.0.0.1/activate',
  });
  if (options.messageId) {
    mail.messageId = options.messageId;
    mail.headers['Message-ID'] = options.messageId;
  }
  return renderRaw(mail);
}
