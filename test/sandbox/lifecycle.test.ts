import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestSandbox, draft, startTestSandbox } from '../helpers/sandbox.js';

interface Req {
  id: string;
  status: string;
  accountDomain: string;
  clientReference: string | null;
  smartAccountId: string | null;
  submittedAt: string | null;
  expiresAt: string | null;
  activatedAt: string | null;
  expiredAt: string | null;
  code?: string;
  existingRequestId?: string;
  existingAccountId?: string;
}
interface Review {
  reviewToken: string;
  warnings: Array<{ code: string; field: string | null }>;
  request: Record<string, unknown>;
  code?: string;
}

const DAY = 86_400_000;

describe('sandbox: request → review → submit → pending → active | expired', () => {
  let sandbox: TestSandbox;
  let n = 0;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());

  /** A fresh customer on its own domain. */
  const customer = (extra: Record<string, unknown> = {}) => {
    n += 1;
    return draft({
      accountName: `Kunde ${n} AG`,
      accountDomain: `kunde${n}.de`,
      customerEmail: `it@kunde${n}.de`,
      userEmails: [`a@kunde${n}.de`],
      ...extra,
    });
  };
  const create = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    sandbox.call<Req>('POST', '/account-requests', { body, headers });
  const review = (id: string) => sandbox.call<Review>('GET', `/account-requests/${id}/review`);
  const submit = (id: string, reviewToken: string, key: string) =>
    sandbox.call<Req>('POST', `/account-requests/${id}/submit`, {
      body: { reviewToken },
      headers: { 'idempotency-key': key },
    });

  it('creates a draft, reviews it with warnings, submits it as pending for 90 days', async () => {
    const created = await create(
      customer({ clientReference: 'row-1', customerEmail: 'boss@gmail.com' }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      clientReference: 'row-1',
      smartAccountId: null,
    });

    const r = await review(created.body.id);
    expect(r.status).toBe(200);
    expect(r.body.warnings.map((w) => w.code)).toContain('customer-email-free-mail');
    expect(r.body.request).toMatchObject({ customerEmail: 'boss@gmail.com' });

    const s = await submit(created.body.id, r.body.reviewToken, 'k1');
    expect(s.status).toBe(200);
    expect(s.body.status).toBe('pending');
    expect(s.body.smartAccountId).toMatch(/^SA-/);
    const submittedAt = Date.parse(s.body.submittedAt ?? '');
    expect(Date.parse(s.body.expiresAt ?? '') - submittedAt).toBe(90 * DAY);

    const got = await sandbox.call<Req>('GET', `/account-requests/${created.body.id}`);
    expect(got.body.status).toBe('pending');
  });

  it('warns when the domain was normalized or the customer email is outside the domain', async () => {
    const created = await create(
      customer({
        accountDomain: 'Größe-Test.DE',
        customerEmail: 'x@other.com',
        noteToCustomer: null,
      }),
    );
    const r = await review(created.body.id);
    expect(r.body.warnings.map((w) => w.code).sort()).toEqual([
      'customer-email-domain-mismatch',
      'domain-normalized',
      'note-missing',
    ]);
  });

  it('replays the first response for the same Idempotency-Key and creates nothing', async () => {
    const created = await create(customer({ clientReference: 'row-idem' }));
    const r = await review(created.body.id);
    const first = await submit(created.body.id, r.body.reviewToken, 'same-key');
    const again = await submit(created.body.id, r.body.reviewToken, 'same-key');
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const state = await sandbox.call<{
      requests: Array<{ clientReference: string; submitCount: number }>;
    }>('GET', '/_sandbox/state');
    expect(state.body.requests.filter((q) => q.clientReference === 'row-idem')).toEqual([
      expect.objectContaining({ submitCount: 1 }),
    ]);
  });

  it('rejects the same Idempotency-Key with a different body', async () => {
    const a = await create(customer());
    const ra = await review(a.body.id);
    await submit(a.body.id, ra.body.reviewToken, 'shared-key');
    const b = await create(customer());
    const rb = await review(b.body.id);
    const res = await submit(b.body.id, rb.body.reviewToken, 'shared-key');
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('idempotency-key-reused');
  });

  it('makes create retry-safe with an Idempotency-Key', async () => {
    const body = customer();
    const a = await create(body, { 'idempotency-key': 'create-1' });
    const b = await create(body, { 'idempotency-key': 'create-1' });
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
  });

  it('requires an Idempotency-Key on submit', async () => {
    const created = await create(customer());
    const r = await review(created.body.id);
    const res = await sandbox.call<Req>('POST', `/account-requests/${created.body.id}/submit`, {
      body: { reviewToken: r.body.reviewToken },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('idempotency-key-required');
  });

  it('refuses a wrong review token and a stale one after the draft changed', async () => {
    const created = await create(customer());
    const r = await review(created.body.id);
    const wrong = await submit(created.body.id, 'rv1.1.forged', 'k-wrong');
    expect(wrong.status).toBe(422);
    const patched = await sandbox.call<Req>('PATCH', `/account-requests/${created.body.id}`, {
      body: { noteToCustomer: 'Neue Notiz' },
    });
    expect(patched.status).toBe(200);
    const stale = await submit(created.body.id, r.body.reviewToken, 'k-stale');
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('review-stale');
    const fresh = await review(created.body.id);
    expect((await submit(created.body.id, fresh.body.reviewToken, 'k-fresh')).status).toBe(200);
  });

  it('refuses a second request for a domain with a pending request or an account', async () => {
    const first = customer();
    const done = await sandbox.submitted(first);
    const again = await create({ ...first, accountName: 'Other name' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      code: 'domain-has-pending-request',
      existingRequestId: done.id,
    });

    await sandbox.call('POST', '/_sandbox/accounts', {
      body: { name: 'Seeded GmbH', domain: 'seeded.de' },
    });
    const seeded = await create(customer({ accountDomain: 'SEEDED.de' }));
    expect(seeded.status).toBe(409);
    expect(seeded.body.code).toBe('domain-has-account');
    expect(seeded.body.existingAccountId).toMatch(/^SA-/);
  });

  it('refuses a second request with the same clientReference', async () => {
    const a = await create(customer({ clientReference: 'ref-dup' }));
    const b = await create(customer({ clientReference: 'ref-dup' }));
    expect(b.status).toBe(409);
    expect(b.body).toMatchObject({
      code: 'duplicate-client-reference',
      existingRequestId: a.body.id,
    });
  });

  it('does not review or submit a request that is not a draft', async () => {
    const done = await sandbox.submitted(customer());
    const r = await review(done.id as string);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('request-not-draft');
  });

  it('finds existing accounts by domain (IDN too) or exact name', async () => {
    await sandbox.call('POST', '/_sandbox/accounts', {
      body: { name: 'Zürich Versicherung', domain: 'zürich-vers.ch' },
    });
    const byDomain = await sandbox.call<{ items: Array<{ name: string }> }>(
      'GET',
      `/accounts?domain=${encodeURIComponent('ZÜRICH-vers.ch')}`,
    );
    expect(byDomain.body.items.map((a) => a.name)).toEqual(['Zürich Versicherung']);
    const byName = await sandbox.call<{ items: unknown[] }>(
      'GET',
      `/accounts?name=${encodeURIComponent('zürich versicherung')}`,
    );
    expect(byName.body.items).toHaveLength(1);
    const none = await sandbox.call<{ items: unknown[] }>('GET', '/accounts?name=Zürich');
    expect(none.body.items).toHaveLength(0);
    const bad = await sandbox.call('GET', '/accounts');
    expect(bad.status).toBe(400);
  });

  it('activates a pending request as the customer would', async () => {
    const done = await sandbox.submitted(customer());
    const res = await sandbox.call<Req>('POST', `/_sandbox/account-requests/${done.id}/activate`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('active');
    expect(res.body.activatedAt).toBeTruthy();
    const search = await sandbox.call<{ items: Array<{ status: string }> }>(
      'GET',
      `/accounts?domain=${res.body.accountDomain}`,
    );
    expect(search.body.items).toEqual([expect.objectContaining({ status: 'active' })]);
    const twice = await sandbox.call<Req>('POST', `/_sandbox/account-requests/${done.id}/activate`);
    expect(twice.status).toBe(409);
  });

  it('cancels a draft', async () => {
    const created = await create(customer());
    const res = await sandbox.call<Req>('POST', `/account-requests/${created.body.id}/cancel`);
    expect(res.body.status).toBe('cancelled');
  });
});

describe('sandbox: expiry and listing', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());

  it('expires a pending request once the clock passes 90 days, and frees the domain', async () => {
    const done = await sandbox.submitted(
      draft({ accountDomain: 'expiring.de', customerEmail: 'a@expiring.de' }),
    );
    await sandbox.call('POST', '/_sandbox/clock', { body: { advanceDays: 89 } });
    let got = await sandbox.call<Req>('GET', `/account-requests/${done.id}`);
    expect(got.body.status).toBe('pending');
    await sandbox.call('POST', '/_sandbox/clock', { body: { advanceDays: 2 } });
    got = await sandbox.call<Req>('GET', `/account-requests/${done.id}`);
    expect(got.body.status).toBe('expired');
    expect(got.body.expiredAt).toBeTruthy();
    const again = await sandbox.call<Req>('POST', '/account-requests', {
      body: draft({ accountDomain: 'expiring.de', customerEmail: 'a@expiring.de' }),
    });
    expect(again.status).toBe(201);
  });

  it('sets the clock to an absolute time', async () => {
    const res = await sandbox.call<{ now: string }>('POST', '/_sandbox/clock', {
      body: { now: '2031-01-01T00:00:00Z' },
    });
    expect(res.body.now.slice(0, 10)).toBe('2031-01-01');
    const bad = await sandbox.call('POST', '/_sandbox/clock', { body: { advanceDays: 'x' } });
    expect(bad.status).toBe(422);
  });

  it('pages through requests with a cursor, filtered by status and clientReference', async () => {
    for (let i = 0; i < 12; i += 1) {
      await sandbox.call('POST', '/account-requests', {
        body: draft({
          accountDomain: `page${i}.de`,
          customerEmail: `a@page${i}.de`,
          clientReference: `page-${i}`,
        }),
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q = `/account-requests?status=draft&limit=5${cursor ? `&cursor=${cursor}` : ''}`;
      const res: { body: { items: Req[]; nextCursor: string | null } } = await sandbox.call(
        'GET',
        q,
      );
      seen.push(...res.body.items.map((r) => r.clientReference ?? ''));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.filter((s) => s.startsWith('page-'))).toEqual(
      Array.from({ length: 12 }, (_, i) => `page-${i}`),
    );
    const one = await sandbox.call<{ items: Req[] }>(
      'GET',
      '/account-requests?clientReference=page-7',
    );
    expect(one.body.items.map((r) => r.accountDomain)).toEqual(['page7.de']);
    const future = await sandbox.call<{ items: Req[] }>(
      'GET',
      '/account-requests?updatedSince=2099-01-01T00:00:00Z',
    );
    expect(future.body.items).toEqual([]);
  });

  it('answers bad list parameters with 400 naming the parameter', async () => {
    for (const q of [
      'status=done',
      'limit=0',
      'limit=500',
      'updatedSince=yesterday',
      'cursor=%%%',
    ]) {
      const res = await sandbox.call<{ errors: Array<{ field: string }> }>(
        'GET',
        `/account-requests?${q}`,
      );
      expect(res.status, q).toBe(400);
      expect(res.body.errors[0]?.field, q).toBe(q.split('=')[0]);
    }
  });
});
