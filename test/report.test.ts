import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REPORT_VERSION,
  buildReport,
  renderCsv,
  renderHtml,
  renderJson,
  renderMarkdown,
  reportJsonSchema,
  reportSchema,
  writeReport,
} from '../src/batch/report/index.js';
import type { Report } from '../src/batch/report/index.js';
import { STATUSES, openStore } from '../src/batch/store/index.js';
import type { Status, Store } from '../src/batch/store/index.js';

const NOW = new Date('2025-03-31T12:00:00.000Z');
const DAY = 86_400_000;
const at = (iso: string, plusDays = 0) => new Date(Date.parse(iso) + plusDays * DAY).toISOString();

interface Seed {
  key: string;
  name: string;
  domain?: string;
  email?: string;
  status: Status;
  lastError?: string;
  submittedAt?: string;
  activatedAt?: string;
  expiresAt?: string;
}

/** Days from submit to activation of the active rows: median 5. */
const ACTIVE_DAYS = [30, 1, 2, 3, 4, 5, 6, 7, 8];

const SEEDS: Seed[] = [
  { key: 'broken', name: 'Broken Row', status: 'invalid', lastError: 'row 7: email is missing' },
  { key: 'hyperlink', name: '=HYPERLINK("http://evil.example","click")', status: 'queued' },
  { key: 'plus', name: '+1 Solutions', status: 'queued' },
  { key: 'minus', name: '-2 Corp', status: 'queued' },
  { key: 'at', name: '@x Team', status: 'queued' },
  { key: 'pipe', name: 'Pipe | Works AG', status: 'requested' },
  { key: 'script', name: '<script>alert(1)</script>', status: 'submitting' },
  {
    key: 'mueller',
    name: 'Müller & Söhne GmbH',
    domain: 'müller-söhne.de',
    email: 'jürgen@müller-söhne.de',
    status: 'pending',
    submittedAt: at('2025-02-08T10:00:00.000Z'),
    expiresAt: at('2025-03-31T12:00:00.000Z', 10.2), // 10.2 days left → 11
  },
  {
    key: 'overdue',
    name: 'Overdue Oy',
    status: 'pending',
    submittedAt: at('2024-12-30T12:00:00.000Z'),
    expiresAt: at('2025-03-30T12:00:00.000Z'), // already past → 0
  },
  ...ACTIVE_DAYS.map((days, i) => ({
    key: `active-${i}`,
    name: `Active Customer ${i}`,
    status: 'active' as const,
    submittedAt: at('2025-02-01T09:00:00.000Z', i * 4),
    activatedAt: at('2025-02-01T09:00:00.000Z', i * 4 + days),
  })),
  { key: 'gone', name: 'Expired Ltd', status: 'expired', submittedAt: at('2024-11-01T00:00:00Z') },
  { key: 'dup', name: 'Already There Inc', status: 'skipped' },
  { key: 'fail', name: 'Failing SA', status: 'failed', lastError: '=cmd|" /C calc"!A0' },
  { key: 'human', name: 'Ambiguous SE', status: 'attention', lastError: 'two pending requests' },
];

const expectedCounts = Object.fromEntries(
  STATUSES.map((s) => [s, SEEDS.filter((seed) => seed.status === s).length]),
) as Record<Status, number>;

async function seed(store: Store): Promise<void> {
  for (const s of SEEDS) {
    await store.upsertCustomer({
      key: s.key,
      accountName: s.name,
      accountDomain: s.domain ?? `${s.key}.example`,
      customerEmail: s.email ?? `it@${s.key}.example`,
      data: {},
      ...(s.status === 'invalid' ? { status: 'invalid' as const, lastError: s.lastError } : {}),
    });
    if (s.status === 'invalid' || s.status === 'queued') continue;
    const sent = s.submittedAt !== undefined;
    await store.transition(s.key, {
      to: s.status,
      cause: 'test seed',
      patch: {
        ...(sent ? { requestId: `AR-${s.key}`, smartAccountId: `SA-${s.key}` } : {}),
        submittedAt: s.submittedAt ?? null,
        activatedAt: s.activatedAt ?? null,
        expiresAt: s.expiresAt ?? (sent ? at(s.submittedAt ?? '', 90) : null),
        lastError: s.lastError ?? null,
      },
    });
  }
  const reminder = async (id: string, key: string, sent: boolean) => {
    await store.recordEmail({ id, key, kind: 'expiry-reminder', recipients: ['x@y.example'] });
    if (sent) await store.markEmailSent(id);
  };
  await reminder('<r1@test>', 'mueller', true);
  await reminder('<r2@test>', 'mueller', true);
  await reminder('<r3@test>', 'mueller', false); // recorded, never sent: not counted
  await reminder('<r4@test>', 'overdue', true);
  const mail = (
    messageId: string,
    outcome: 'unmatched' | 'suspicious' | 'applied',
    reason: string,
  ) =>
    store.recordInboundMail({
      messageId,
      mailbox: 'INBOX',
      uid: Number(messageId.replace(/\D/g, '')),
      classification: 'activation',
      outcome,
      reason,
      key: outcome === 'applied' ? 'active-0' : null,
    });
  await mail('<m1@cisco.example>', 'unmatched', 'no pending request for "Nobody GmbH"');
  await mail('<m2@evil.example>', 'suspicious', 'sender <img src=x onerror=alert(1)> not allowed');
  await mail('<m3@cisco.example>', 'applied', 'activated');
}

let dir: string;
let store: Store;
let report: Report;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'so-report-'));
  store = await openStore({ file: join(dir, 'state.db') });
  await seed(store);
  report = await buildReport(store, { now: NOW });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const byKey = (key: string) => {
  const row = report.customers.find((c) => c.key === key);
  if (!row) throw new Error(`no row ${key}`);
  return row;
};

describe('buildReport', () => {
  it('counts every status, and derives activation rate and median days to activate', () => {
    const { summary } = report;
    for (const status of STATUSES) expect(summary[status], status).toBe(expectedCounts[status]);
    expect(STATUSES.every((s) => expectedCounts[s] > 0)).toBe(true);
    expect(summary.total).toBe(SEEDS.length);
    // active / (active + pending + expired) = 9 / (9 + 2 + 1)
    expect(summary.activationRate).toBe(0.75);
    expect(summary.medianDaysToActivate).toBe(5);
    expect(summary.remindersSent).toBe(3);
    expect(summary.unmatchedMail).toBe(2);
  });

  it('gives pending rows the whole days left (rounded up, never negative) and counts sent reminders', () => {
    expect(byKey('mueller')).toMatchObject({ daysLeft: 11, remindersSent: 2 });
    expect(byKey('overdue')).toMatchObject({ daysLeft: 0, remindersSent: 1 });
    expect(byKey('active-0')).toMatchObject({ daysLeft: null, remindersSent: 0 });
    expect(byKey('active-0').activatedAt).toBe('2025-03-03T09:00:00.000Z');
  });

  it('lists unmatched and suspicious mail, not mail that was applied', () => {
    expect(report.unmatchedMail.map((m) => [m.messageId, m.outcome])).toEqual([
      ['<m1@cisco.example>', 'unmatched'],
      ['<m2@evil.example>', 'suspicious'],
    ]);
  });

  it('reads past the store page size', async () => {
    const big = await openStore({ file: join(dir, 'big.db') });
    await big.upsertCustomers(
      Array.from({ length: 1203 }, (_, i) => ({
        key: `k${String(i).padStart(5, '0')}`,
        accountName: `N${i}`,
        accountDomain: `d${i}.example`,
        customerEmail: `e@d${i}.example`,
        data: {},
      })),
    );
    const bigReport = await buildReport(big, { now: NOW });
    await big.close();
    expect(bigReport.customers).toHaveLength(1203);
    expect(bigReport.summary.queued).toBe(1203);
    expect(bigReport.summary.activationRate).toBeNull();
    expect(bigReport.summary.medianDaysToActivate).toBeNull();
  });
});

describe('JSON report', () => {
  const parsed = () => JSON.parse(renderJson(report)) as Record<string, unknown>;

  it('has the documented top-level and customer keys, and validates against the schema', () => {
    const json = parsed();
    expect(Object.keys(json)).toEqual([
      'version',
      'generatedAt',
      'summary',
      'customers',
      'unmatchedMail',
    ]);
    expect(json.version).toBe(REPORT_VERSION);
    expect(json.generatedAt).toBe(NOW.toISOString());
    expect(reportSchema.safeParse(json).success).toBe(true);
    const first = (json.customers as Record<string, unknown>[])[0] ?? {};
    for (const key of [
      'key',
      'accountName',
      'accountDomain',
      'customerEmail',
      'status',
      'requestId',
      'submittedAt',
      'activatedAt',
      'expiresAt',
    ]) {
      expect(first, key).toHaveProperty(key);
    }
    expect((json.summary as Record<string, number>).active).toBe(9);
  });

  it('matches docs/report.schema.json, which is generated from the zod schema', () => {
    const published = JSON.parse(
      readFileSync(new URL('../docs/report.schema.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    expect(
      published,
      'docs/report.schema.json is stale: regenerate it with ' +
        `npx tsx -e "import('./src/batch/report/schema.ts').then(m=>console.log(JSON.stringify(m.reportJsonSchema(),null,2)))" > docs/report.schema.json`,
    ).toEqual(reportJsonSchema());
    const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
    const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
    const validate = ajv.compile(published);
    expect(validate(parsed()), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...parsed(), version: 2 })).toBe(false);
  });
});

describe('CSV report', () => {
  const csv = () => renderCsv(report);
  const lines = () => csv().slice(1).split('\r\n');
  const row = (key: string) => lines().find((l) => l.startsWith(`${key},`)) ?? '';

  it('starts with a UTF-8 byte order mark and has one row per customer plus a header', () => {
    expect(csv().charCodeAt(0)).toBe(0xfeff);
    expect(lines()[0]).toBe(
      'key,accountName,accountDomain,customerEmail,status,requestId,smartAccountId,' +
        'submittedAt,activatedAt,expiresAt,daysLeft,remindersSent,lastError',
    );
    expect(lines().at(-1)).toBe('');
    expect(lines()).toHaveLength(SEEDS.length + 2);
  });

  it('neutralizes cells a spreadsheet would run as formulas, quoting per RFC 4180', () => {
    expect(row('hyperlink')).toContain(`,"'=HYPERLINK(""http://evil.example"",""click"")",`);
    expect(row('plus')).toContain(",'+1 Solutions,");
    expect(row('minus')).toContain(",'-2 Corp,");
    expect(row('at')).toContain(",'@x Team,");
    expect(row('fail').endsWith(`,"'=cmd|"" /C calc""!A0"`)).toBe(true);
    expect(row('mueller')).toContain(',11,2,');
  });

  it('round-trips umlauts through UTF-8 bytes', async () => {
    const out = join(dir, 'out', 'report.csv');
    await writeReport(report, 'csv', out);
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('mueller,Müller & Söhne GmbH,müller-söhne.de,jürgen@müller-söhne.de,');
  });
});

describe('Markdown report', () => {
  let md: string;
  beforeAll(() => {
    md = renderMarkdown(report);
  });

  it('escapes pipes and HTML in cells so the table keeps its columns', () => {
    const row = md.split('\n').find((l) => l.startsWith('| pipe |')) ?? '';
    expect(row).toContain('Pipe \\| Works AG');
    const unescapedPipes = row.replace(/\\\|/g, '').match(/\|/g) ?? [];
    expect(unescapedPipes).toHaveLength(14); // 13 columns
    expect(md).not.toContain('<script>');
    expect(md).toContain('\\<script\\>alert(1)\\</script\\>');
  });

  it('shows the summary and every status count', () => {
    expect(md).toContain('- Activation rate: 75.0 %');
    expect(md).toContain('- Median time to activate: 5 days');
    for (const s of STATUSES) expect(md).toContain(`| ${s} | ${expectedCounts[s]} |`);
  });
});

describe('HTML report (static checks)', () => {
  let html: string;
  beforeAll(() => {
    html = renderHtml(report);
  });

  it('renders hostile data as text, never as markup', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Müller &amp; Söhne GmbH');
  });

  it('is self-contained: no external resources, a CSP that forbids them, a phone viewport', () => {
    expect(html).not.toMatch(/\s(src|href|action|poster|data)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<(link|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none';`,
    );
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html.match(/<svg /g)).toHaveLength(2);
  });
});

describe('HTML report in headless Chromium', () => {
  let browser: Browser;
  let file: string;
  /** The page and its screenshots land in the test's temp dir; set REPORT_ARTIFACTS_DIR to keep them. */
  let shots: string;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    shots = process.env.REPORT_ARTIFACTS_DIR ?? join(dir, 'screenshots');
    mkdirSync(shots, { recursive: true });
    file = join(shots, 'html', 'report.html');
    await writeReport(report, 'html', file);
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(viewport: { width: number; height: number }) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { context, page, problems, requests };
  }

  it('reads well on a phone: no errors, no horizontal overflow, charts and counts shown', async () => {
    const { context, page, problems, requests } = await open({ width: 390, height: 844 });
    await page.screenshot({ path: join(shots, 'report-phone.png'), fullPage: true });
    await page.screenshot({ path: join(shots, 'report-phone-top.png') });
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    // Page-side code as strings: the project compiles without the DOM library.
    const widths = await page.evaluate<{ viewport: number; page: number; body: number }>(
      `({ viewport: document.documentElement.clientWidth,
          page: document.documentElement.scrollWidth,
          body: document.body.scrollWidth })`,
    );
    const charts = await Promise.all(
      (await page.locator('svg.chart').all()).map(async (svg) => ({
        id: await svg.getAttribute('id'),
        box: await svg.boundingBox(),
      })),
    );
    const layout = {
      ...widths,
      charts: charts.map((c) => ({
        id: c.id,
        width: c.box?.width ?? 0,
        height: c.box?.height ?? 0,
      })),
      bars: await page.locator('#activation-chart rect').count(),
    };
    expect(layout.page).toBeLessThanOrEqual(layout.viewport);
    expect(layout.body).toBeLessThanOrEqual(layout.viewport);
    expect(layout.charts.map((c) => c.id)).toEqual(['status-chart', 'activation-chart']);
    for (const chart of layout.charts) {
      expect(chart.width).toBeGreaterThan(300);
      expect(chart.width).toBeLessThanOrEqual(390);
      expect(chart.height).toBeGreaterThan(100);
    }
    expect(layout.bars).toBeGreaterThan(1);
    for (const status of STATUSES) {
      const text = await page.locator(`#status-chart [data-status="${status}"]`).textContent();
      expect(text).toBe(`${status}${expectedCounts[status]}`);
    }
    const body = await page.locator('body').innerText();
    expect(body).toContain('<script>alert(1)</script>');
    expect(body).toContain('75.0 %');
    expect(await page.locator('#customers tbody tr').count()).toBe(SEEDS.length);
    expect(await page.locator('#unmatched-mail tbody tr').count()).toBe(2);
    await context.close();
  });

  it('shows the full table on a desktop', async () => {
    const { context, page, problems } = await open({ width: 1280, height: 900 });
    await page.screenshot({ path: join(shots, 'report-desktop.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(await page.locator('#customers thead th').first().isVisible()).toBe(true);
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });
});
