/**
 * `smart-onboard demo` end to end: the built CLI as a process, as a newcomer runs it
 * (`npm test` builds dist first). Checks the report it writes, the emails, the step by
 * step output, and that nothing is left running afterwards.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from './helpers/cli.js';
import { isPortOpen } from './helpers/ports.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the demo and resolves once its stdout and stderr are closed too. */
function runDemo(out: string, ...flags: string[]): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'demo', '--out', out, ...flags], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`demo still running after 90 s\n${stdout}\n${stderr}`));
    }, 90_000);
    child.once('error', reject);
    // 'close' (not 'exit'): fires only when no process holds the demo's stdout/stderr,
    // so a server left running in a child process would keep this from resolving.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

interface ReportJson {
  summary: Record<string, number | null>;
  customers: {
    accountName: string;
    accountDomain: string;
    status: string;
    daysLeft: number | null;
    remindersSent: number;
  }[];
}

/** The ports the demo listed in step 0 (sandbox, SMTP sink, IMAP). */
function listedPorts(stdout: string): number[] {
  const step0 = stdout.slice(0, stdout.indexOf('Step 1'));
  return [...step0.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
}

describe('smart-onboard demo', () => {
  const out = mkdtempSync(join(tmpdir(), 'smart-onboard-demo-test-'));
  let run: Run;
  let report: ReportJson;

  beforeAll(async () => {
    run = await runDemo(out);
    if (run.code !== 0) throw new Error(`demo exited ${run.code}\n${run.stdout}\n${run.stderr}`);
    report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportJson;
  }, 120_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('exits 0 within a minute', () => {
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(60_000);
  });

  it('follows every valid customer to the expected status', () => {
    const s = report.summary;
    expect({
      active: s.active,
      pending: s.pending,
      expired: s.expired,
      skipped: s.skipped,
      failed: s.failed,
      attention: s.attention,
      total: s.total,
    }).toEqual({
      active: 10,
      pending: 9,
      expired: 1,
      skipped: 1,
      failed: 0,
      attention: 0,
      total: 21,
    });
    const byStatus = (status: string) =>
      report.customers.filter((c) => c.status === status).map((c) => c.accountName);
    // Requested alone 91 days before the nightly run: the only one past 90 days.
    expect(byStatus('expired')).toEqual(['Alpenblick Hotels GmbH']);
    // Seeded in the sandbox before submit: it already has a Smart Account.
    expect(byStatus('skipped')).toEqual(['Stuttgarter Autoteile GmbH']);
    // The IDN customer went through, stored in punycode.
    expect(report.customers.map((c) => c.accountDomain)).toContain('xn--mnchner-bckerei-8kb31b.de');
    // The still-pending ones are 19 days from expiry and got the 30-day reminder.
    for (const c of report.customers.filter((c) => c.status === 'pending')) {
      expect(c.daysLeft).toBe(19);
      expect(c.remindersSent).toBe(1);
    }
  });

  it('writes the report as HTML and CSV too', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/<html/i);
    expect(html).toContain('Alpenblick Hotels GmbH');
    const csv = readFileSync(join(out, 'report.csv'), 'utf8').trim().split(/\r?\n/);
    expect(csv).toHaveLength(1 + 21);
  });

  it('reports the invalid and duplicate rows with their reasons', () => {
    const errors = readFileSync(join(out, 'submit-results.errors.csv'), 'utf8');
    expect(errors.match(/,invalid,/g)).toHaveLength(3);
    expect(errors.match(/,duplicate,/g)).toHaveLength(1);
    expect(errors).toContain('is not a valid email address');
    expect(run.stdout).toMatch(/row 23 +Fränkische Weinkellerei eG/);
    expect(run.stdout).toMatch(/row 24 +Salzburger Festspieltechnik GmbH/);
    expect(run.stdout).toMatch(/row 25 +Ruhr Stahlhandel GmbH/);
  });

  it('writes every email it saw as .eml: Cisco’s, our notices, reminders, the ops notice', () => {
    const dir = join(out, 'mail');
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    const mails = files.map((f) => readFileSync(join(dir, f), 'utf8'));
    expect(mails.filter((m) => /^From: .*smart-acct-pending@cisco\.com/m.test(m))).toHaveLength(20);
    const ours = mails.filter((m) => /^From: .*onboarding@distribution\.example/m.test(m));
    expect(ours.filter((m) => /^To: ops@distribution\.example/m.test(m))).toHaveLength(1);
    // 20 customer notices + users' notices at submit, then 9 reminders.
    expect(ours.length).toBeGreaterThanOrEqual(20 + 9 + 1);
    expect(mails.some((m) => /^To: .*@xn--mnchner-bckerei-8kb31b\.de/m.test(m))).toBe(true);
  });

  it('tells what happened, step by step, with the commands a user would type', () => {
    for (const step of ['Step 0', 'Step 1', 'Step 2', 'Step 3', 'Step 4', 'Step 5', 'Step 6']) {
      expect(run.stdout).toContain(`${step} · `);
    }
    expect(run.stdout).toContain('$ smart-onboard validate ');
    expect(run.stdout).toContain('$ smart-onboard submit ');
    expect(run.stdout).toContain('$ smart-onboard reconcile ');
    expect(run.stdout).toContain('built-in IMAP server');
    expect(run.stdout).toMatch(/10 of 19 customers clicked/);
    expect(run.stdout).toMatch(/"Alpenblick Hotels GmbH" passed 90 days and expired/);
    expect(run.stdout).toMatch(/now 10 active, 9 pending, 1 expired, 1 skipped; 9 reminders/);
    expect(run.stdout).toMatch(/Alpenblick Hotels GmbH +alpenblick-hotels\.at +expired/);
    expect(run.stdout).toMatch(/Münchner Bäckerei Huber GmbH +münchner-bäckerei\.de +pending/);
    expect(run.stderr).toBe('');
  });

  it('leaves nothing behind: its servers are closed and its temporary state is gone', async () => {
    const ports = listedPorts(run.stdout);
    expect(ports.length).toBeGreaterThanOrEqual(3); // sandbox, SMTP, IMAP
    for (const port of ports) expect(await isPortOpen(port)).toBe(false);
    const tmp = /\$DEMO_TMP is (\S+)/.exec(run.stdout)?.[1];
    expect(tmp).toBeDefined();
    expect(existsSync(tmp ?? '/nonexistent')).toBe(false);
  });
});

describe('smart-onboard demo --imap dovecot', () => {
  const out = mkdtempSync(join(tmpdir(), 'smart-onboard-demo-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs the same job with Dovecot as the mailbox and stops the daemon afterwards', async () => {
    if (!existsSync('/usr/sbin/dovecot')) {
      throw new Error('Dovecot is not installed: apt-get install -y dovecot-imapd');
    }
    const run = await runDemo(out, '--imap', 'dovecot');
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('(Dovecot, generated config)');
    expect(run.stdout).toMatch(/inbox: 11 new message\(s\), 11 handled/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportJson;
    expect(report.summary).toMatchObject({ active: 10, pending: 9, expired: 1, skipped: 1 });
    // Dovecot daemonizes, so only its port tells whether it is still running.
    const ports = listedPorts(run.stdout);
    expect(ports).toHaveLength(3);
    for (const port of ports) expect(await isPortOpen(port)).toBe(false);
  }, 120_000);
});
