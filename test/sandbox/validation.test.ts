import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestSandbox, draft, startTestSandbox } from '../helpers/sandbox.js';

interface ProblemBody {
  status: number;
  code: string;
  detail: string;
  errors?: Array<{ field: string; code: string; message: string }>;
}

describe('sandbox: validation of account requests', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());

  const create = (body: unknown) =>
    sandbox.call<ProblemBody & { id?: string; accountDomain?: string }>(
      'POST',
      '/account-requests',
      { body },
    );
  const fields = (res: { body: ProblemBody }) => (res.body.errors ?? []).map((e) => e.field);

  it('names every missing required field, one entry each', async () => {
    const res = await create({});
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('validation-failed');
    expect(fields(res).sort()).toEqual(['accountDomain', 'accountName', 'customerEmail']);
    expect(res.body.errors?.every((e) => e.code === 'required')).toBe(true);
  });

  it('rejects a malformed customer email with a fix', async () => {
    const res = await create(draft({ customerEmail: 'anna@@mueller' }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        field: 'customerEmail',
        message: expect.stringMatching(/name@example\.com/),
      }),
    ]);
  });

  it.each(['https://mueller.de', 'mueller', 'mueller..de', '-x.de', 'anna@mueller.de', 'a b.de'])(
    'rejects the domain %j',
    async (accountDomain) => {
      const res = await create(draft({ accountDomain }));
      expect(res.status).toBe(422);
      expect(fields(res)).toEqual(['accountDomain']);
    },
  );

  it('accepts an IDN domain and stores it as punycode, lower case', async () => {
    const res = await create(
      draft({
        accountDomain: 'Bäckerei-Müller.DE',
        customerEmail: 'info@xn--bckerei-mller-bfb28a.de',
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body.accountDomain).toBe('xn--bckerei-mller-bfb28a.de');
  });

  it('enforces length limits', async () => {
    const res = await create(
      draft({
        accountName: 'x'.repeat(101),
        noteToCustomer: 'y'.repeat(2001),
        accountDomain: 'limits.de',
      }),
    );
    expect(res.status).toBe(422);
    expect(fields(res).sort()).toEqual(['accountName', 'noteToCustomer']);
  });

  it('refuses more than 50 user emails', async () => {
    const userEmails = Array.from({ length: 51 }, (_, i) => `u${i}@many.de`);
    const res = await create(draft({ userEmails, accountDomain: 'many.de' }));
    expect(res.status).toBe(422);
    expect(res.body.errors?.[0]).toMatchObject({ field: 'userEmails', code: 'too-long' });
  });

  it('points at the bad user email by index', async () => {
    const res = await create(
      draft({ userEmails: ['ok@x.de', 'not-an-email'], accountDomain: 'idx.de' }),
    );
    expect(fields(res)).toEqual(['userEmails[1]']);
  });

  it('rejects unknown fields and a bad locale', async () => {
    const res = await create(draft({ acountName: 'typo', locale: 'fr', accountDomain: 'typo.de' }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'acountName', code: 'unknown-field' }),
        expect.objectContaining({ field: 'locale' }),
      ]),
    );
  });

  it('answers malformed JSON with 400 and keeps serving', async () => {
    const res = await sandbox.call<ProblemBody>('POST', '/account-requests', {
      raw: '{"accountName": "x",',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('malformed-json');
    expect((await sandbox.call('GET', '/account-requests')).status).toBe(200);
  });

  it('answers a body that is not an object with 400', async () => {
    const res = await create([1, 2, 3]);
    expect(res.status).toBe(400);
  });

  it('answers a wrong content type with 415', async () => {
    const res = await sandbox.call<ProblemBody>('POST', '/account-requests', {
      raw: 'accountName=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
  });

  it('rejects a huge body with 413 and keeps serving', async () => {
    const res = await sandbox.call<ProblemBody>('POST', '/account-requests', {
      raw: JSON.stringify(draft({ noteToCustomer: 'z'.repeat(200_000) })),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('body-too-large');
    expect((await sandbox.call('GET', '/account-requests')).status).toBe(200);
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    const missing = await sandbox.call<ProblemBody>('GET', '/no-such-thing', { unchecked: true });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('route-not-found');
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.headers['x-request-id']).toBeTruthy();
    const wrong = await sandbox.call<ProblemBody>('DELETE', '/account-requests', {
      unchecked: true,
    });
    expect(wrong.status).toBe(405);
  });
});
