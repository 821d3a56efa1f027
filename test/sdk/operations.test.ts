import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SmartAccountClient,
  SubmissionStoppedError,
  InputValidationError,
} from '../../src/sdk/index.js';
import type { TestSandbox } from '../helpers/sandbox.js';
import { sandboxRequests, sandboxWithClient } from '../helpers/sdk.js';

const DAY = 86_400_000;

describe('SDK operations against the sandbox', () => {
  let sandbox: TestSandbox;
  let client: SmartAccountClient;
  let n = 0;
  const draft = () => {
    n += 1;
    return {
      accountName: `Alpen Logistik ${n} GmbH`,
      customerEmail: `it@alpen${n}.at`,
      accountDomain: `alpen${n}.at`,
      noteToCustomer: 'Bitte bestätigen.',
      userEmails: [`ops@alpen${n}.at`],
      locale: 'de' as const,
    };
  };

  beforeAll(async () => {
    const env = await sandboxWithClient();
    sandbox = env.sandbox;
    client = env.client();
  });
  afterAll(() => sandbox.close());

  it('creates, retrieves, updates, reviews and submits a request step by step', async () => {
    const created = await client.accountRequests.create(draft(), { clientReference: 'step-1' });
    expect(created).toMatchObject({ status: 'draft', clientReference: 'step-1', locale: 'de' });
    expect((await client.accountRequests.retrieve(created.id)).id).toBe(created.id);
    const updated = await client.accountRequests.update(created.id, { noteToUsers: 'Willkommen' });
    expect(updated.noteToUsers).toBe('Willkommen');
    const review = await client.accountRequests.review(created.id);
    expect(review.request.noteToUsers).toBe('Willkommen');
    expect(review.reviewToken).toBeTruthy();
    const submitted = await client.accountRequests.submit(created.id, {
      reviewToken: review.reviewToken,
    });
    expect(submitted.status).toBe('pending');
    expect(Date.parse(submitted.expiresAt!) - Date.parse(submitted.submittedAt!)).toBe(90 * DAY);
  });

  it('searches existing accounts by domain and by name', async () => {
    await sandbox.call('POST', '/_sandbox/accounts', {
      body: { name: 'Bergbahn AG', domain: 'bergbahn.ch' },
    });
    expect((await client.accounts.search({ domain: 'BERGBAHN.ch' })).map((a) => a.name)).toEqual([
      'Bergbahn AG',
    ]);
    expect(await client.accounts.search({ name: 'bergbahn ag' })).toHaveLength(1);
    expect(await client.accounts.search({ domain: 'nobody.ch' })).toEqual([]);
  });

  it('cancels a draft', async () => {
    const created = await client.accountRequests.create(draft());
    expect((await client.accountRequests.cancel(created.id)).status).toBe('cancelled');
  });

  it('lists across several pages with filters, as an async iterable', async () => {
    const refs: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const ref = `list-${i}`;
      refs.push(ref);
      await client.accountRequests.create(draft(), { clientReference: ref });
    }
    const pages: number[] = [];
    for await (const page of client.accountRequests
      .list({ status: 'draft', pageSize: 2 })
      .pages()) {
      pages.push(page.items.length);
    }
    expect(pages.length).toBeGreaterThanOrEqual(4);
    const seen: string[] = [];
    for await (const r of client.accountRequests.list({ status: 'draft', pageSize: 3 })) {
      if (r.clientReference?.startsWith('list-')) seen.push(r.clientReference);
    }
    expect(seen).toEqual(refs);
    const one = await client.accountRequests.list({ clientReference: 'list-3' }).toArray();
    expect(one).toHaveLength(1);
    const none = await client.accountRequests
      .list({ updatedSince: new Date(Date.now() + 365 * DAY) })
      .toArray();
    expect(none).toEqual([]);
  });

  it('requestSmartAccount runs request → review → submit and returns the pending request', async () => {
    const warnings: string[] = [];
    const request = await client.requestSmartAccount(
      { ...draft(), customerEmail: 'boss@gmail.com' },
      {
        clientReference: 'high-1',
        onReview: (r) => void warnings.push(...r.warnings.map((w) => w.code)),
      },
    );
    expect(request.status).toBe('pending');
    expect(warnings).toContain('customer-email-free-mail');
  });

  it('requestSmartAccount continues an earlier draft with the same clientReference', async () => {
    const d = draft();
    const first = await client.accountRequests.create(d, { clientReference: 'resume-1' });
    const done = await client.requestSmartAccount(d, { clientReference: 'resume-1' });
    expect(done.id).toBe(first.id);
    expect(done.status).toBe('pending');
    const again = await client.requestSmartAccount(d, { clientReference: 'resume-1' });
    expect(again.id).toBe(first.id);
    const state = await sandboxRequests(sandbox);
    expect(state.requests.filter((r) => r.clientReference === 'resume-1')).toEqual([
      expect.objectContaining({ submitCount: 1 }),
    ]);
  });

  it('onReview returning false stops before submit and leaves the draft', async () => {
    const error = await client
      .requestSmartAccount(draft(), { clientReference: 'stop-1', onReview: () => false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubmissionStoppedError);
    const [left] = await client.accountRequests.list({ clientReference: 'stop-1' }).toArray();
    expect(left?.status).toBe('draft');
  });

  it('validates input before sending and names the field', async () => {
    const before = (await sandboxRequests(sandbox)).requests.length;
    const error = await client.accountRequests
      .create({ ...draft(), customerEmail: 'not-an-email', userEmails: ['ok@x.de', 'bad'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues.map((i) => i.field)).toEqual([
      'customerEmail',
      'userEmails[1]',
    ]);
    expect((await sandboxRequests(sandbox)).requests.length).toBe(before);
  });
});
