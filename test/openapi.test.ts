import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  HTTP_METHODS,
  expectMatchesSpec,
  expectRequestMatchesSpec,
  findOperation,
  resolvePointer,
  schemaValidator,
  spec,
  validatorAt,
} from './helpers/openapi.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Follows local `$ref`s in the spec. */
function deref(node: unknown): Json {
  let current = node;
  while (isObject(current) && typeof current.$ref === 'string') {
    current = resolvePointer(current.$ref.slice(1));
  }
  if (!isObject(current)) throw new Error(`not an object: ${JSON.stringify(node)}`);
  return current;
}

/** Every operation in the spec with its path, method and JSON pointer. */
const operations = Object.entries(spec.paths as Json).flatMap(([path, item]) =>
  HTTP_METHODS.filter((m) => isObject((item as Json)[m])).map((method) => ({
    path,
    method,
    pointer: `/paths/${escape(path)}/${method}`,
    op: (item as Json)[method] as Json,
  })),
);

/** Every `$ref` string in the spec with where it occurs. */
function refsIn(node: unknown, at = ''): Array<{ at: string; ref: string }> {
  if (Array.isArray(node)) return node.flatMap((v, i) => refsIn(v, `${at}/${i}`));
  if (!isObject(node)) return [];
  return Object.entries(node).flatMap(([k, v]) =>
    k === '$ref' && typeof v === 'string' ? [{ at, ref: v }] : refsIn(v, `${at}/${escape(k)}`),
  );
}

const ID = 'req_3f9a0c1d2e4b5a69';
const BASE = 'http://127.0.0.1:4010';
const json = (extra: Record<string, string> = {}) => ({
  'content-type': 'application/json; charset=utf-8',
  'x-request-id': 'req-7c0e2b1a-5d9f-4e21-8a3b-2f6c1d0e9a47',
  ...extra,
});
const problemJson = (extra: Record<string, string> = {}) =>
  json({ 'content-type': 'application/problem+json; charset=utf-8', ...extra });

/** A realistic pending request, as the service answers it. */
function pendingRequest(overrides: Json = {}): Json {
  return {
    id: ID,
    status: 'pending',
    accountName: 'Müller Maschinenbau GmbH',
    customerEmail: 'anna.mueller@mueller-maschinenbau.de',
    accountDomain: 'xn--mller-maschinenbau-0ec.de',
    noteToCustomer: 'Bitte aktivieren Sie das Konto innerhalb von 90 Tagen.',
    userEmails: ['it@mueller-maschinenbau.de', 'einkauf@mueller-maschinenbau.de'],
    noteToUsers: null,
    noteToCiscoApprover: null,
    clientReference: 'customers.csv#42',
    locale: 'de',
    smartAccountId: 'SA-0100003',
    createdAt: '2026-01-05T09:12:44.120Z',
    updatedAt: '2026-01-05T09:13:02.511Z',
    submittedAt: '2026-01-05T09:13:02.511Z',
    expiresAt: '2026-04-05T09:13:02.511Z',
    activatedAt: null,
    expiredAt: null,
    ...overrides,
  };
}

const getRequest = (body: unknown, headers: Record<string, string> = json()) =>
  expectMatchesSpec({
    method: 'GET',
    url: `${BASE}/account-requests/${ID}`,
    status: 200,
    headers,
    body,
  });

describe('openapi.yaml', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is an OpenAPI 3.1 document with paths and components', () => {
    expect(spec.openapi).toMatch(/^3\.1\.\d+$/);
    expect(isObject(spec.info) && typeof spec.info.title === 'string').toBe(true);
    expect(Object.keys(spec.paths as Json).length).toBeGreaterThan(10);
    for (const name of [
      'AccountRequestInput',
      'AccountRequestPatch',
      'AccountRequest',
      'RequestStatus',
      'Review',
      'ReviewWarning',
      'Account',
      'AccountList',
      'AccountRequestPage',
      'Problem',
      'FieldError',
      'TokenResponse',
      'OAuthError',
      'Faults',
      'MailRecord',
      'SandboxState',
    ]) {
      expect(resolvePointer(`/components/schemas/${name}`), name).toBeTypeOf('object');
    }
  });

  it('resolves every $ref', () => {
    const refs = refsIn(spec);
    expect(refs.length).toBeGreaterThan(50);
    const broken = refs.filter(
      ({ ref }) => !ref.startsWith('#/') || resolvePointer(ref.slice(1)) === undefined,
    );
    expect(broken).toEqual([]);
  });

  it('compiles every schema in strict mode without warnings', () => {
    const warn = vi.spyOn(console, 'warn');
    for (const name of Object.keys((spec.components as Json).schemas as Json)) {
      expect(() => schemaValidator(name), name).not.toThrow();
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it('describes the token endpoint as the OAuth2 client-credentials token URL', () => {
    const scheme = resolvePointer('/components/securitySchemes/oauth2') as Json;
    expect(scheme.type).toBe('oauth2');
    expect(
      resolvePointer('/components/securitySchemes/oauth2/flows/clientCredentials/tokenUrl'),
    ).toBe('/oauth/token');
    expect(findOperation('POST', '/oauth/token').node.operationId).toBe('requestToken');
  });

  it('gives every operation a unique operationId and a 2xx response', () => {
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of operations) {
      const statuses = Object.keys(op.responses as Json);
      expect(
        statuses.some((s) => /^2\d\d$/.test(s)),
        `${method} ${path}`,
      ).toBe(true);
    }
  });

  it('puts x-request-id on every response of every operation', () => {
    for (const { path, method, op } of operations) {
      for (const [status, raw] of Object.entries(op.responses as Json)) {
        const headers = deref(raw).headers as Json | undefined;
        const entry = Object.entries(headers ?? {}).find(
          ([name]) => name.toLowerCase() === 'x-request-id',
        );
        expect(entry?.[1], `${method} ${path} ${status}`).toEqual({
          $ref: '#/components/headers/XRequestId',
        });
      }
    }
    expect(resolvePointer('/components/headers/XRequestId/required')).toBe(true);
  });

  it('answers errors of the service as problem+json, 429 with Retry-After', () => {
    for (const { path, method, op } of operations) {
      if (path === '/oauth/token' || path.startsWith('/activate/')) continue;
      for (const [status, raw] of Object.entries(op.responses as Json)) {
        if (Number(status) < 400) continue;
        expect(Object.keys(deref(raw).content as Json), `${method} ${path} ${status}`).toEqual([
          'application/problem+json',
        ]);
      }
    }
    const tooMany = deref(resolvePointer('/components/responses/TooManyRequests'));
    expect(deref((tooMany.headers as Json)['Retry-After']).required).toBe(true);
  });

  it('marks write operations with the write scope and describes 403 for them', () => {
    const writes = operations.filter(
      ({ path, method }) =>
        method !== 'get' && path.startsWith('/account-requests') && !path.startsWith('/oauth'),
    );
    expect(writes.map(({ op }) => op.operationId).sort()).toEqual([
      'cancelAccountRequest',
      'createAccountRequest',
      'submitAccountRequest',
      'updateAccountRequest',
    ]);
    for (const { op } of writes) {
      expect(op.security).toEqual([{ oauth2: ['write'] }]);
      expect(Object.keys(op.responses as Json)).toContain('403');
    }
  });

  it('tags the sandbox control routes and marks them as not part of the service', () => {
    const sandbox = operations.filter(({ path }) => path.startsWith('/_sandbox/'));
    expect(sandbox.map(({ method, path }) => `${method.toUpperCase()} ${path}`)).toEqual(
      expect.arrayContaining([
        'POST /_sandbox/account-requests/{id}/activate',
        'POST /_sandbox/clock',
        'GET /_sandbox/clock',
        'PUT /_sandbox/faults',
        'GET /_sandbox/faults',
        'POST /_sandbox/accounts',
        'GET /_sandbox/state',
        'GET /_sandbox/mail',
        'POST /_sandbox/mail/flush',
        'POST /_sandbox/reset',
      ]),
    );
    for (const { op } of operations.filter(({ op }) => (op.tags as string[]).includes('sandbox'))) {
      expect(op['x-sandbox-only']).toBe(true);
      expect(op.security).toEqual([]);
      expect(String(op.description)).toMatch(/not part of the real service/i);
    }
  });

  it('uses the field names others rely on', () => {
    const input = resolvePointer('/components/schemas/AccountRequestInput/properties') as Json;
    expect(Object.keys(input)).toEqual([
      'accountName',
      'customerEmail',
      'accountDomain',
      'noteToCustomer',
      'userEmails',
      'noteToUsers',
      'noteToCiscoApprover',
      'clientReference',
      'locale',
    ]);
    const request = resolvePointer('/components/schemas/AccountRequest/properties') as Json;
    for (const field of ['id', 'status', 'smartAccountId', 'submittedAt', 'expiresAt']) {
      expect(request).toHaveProperty(field);
    }
    expect(request).toHaveProperty('activatedAt');
    const review = resolvePointer('/components/schemas/Review/properties') as Json;
    expect(Object.keys(review)).toEqual(['id', 'status', 'request', 'warnings', 'reviewToken']);
    expect(resolvePointer('/components/schemas/RequestStatus/enum')).toEqual([
      'draft',
      'pending',
      'active',
      'expired',
      'cancelled',
    ]);
  });

  it('has examples that match their schemas', () => {
    const media = Object.entries((spec.components as Json).responses as Json).flatMap(
      ([name, response]) =>
        Object.entries(((response as Json).content ?? {}) as Json).map(([type, m]) => ({
          pointer: `/components/responses/${name}/content/${escape(type)}/schema`,
          examples: Object.values(((m as Json).examples ?? {}) as Json),
        })),
    );
    const checked = media.flatMap(({ pointer, examples }) =>
      examples.map((example) => {
        const validate = validatorAt(pointer);
        expect(validate((example as Json).value), JSON.stringify(validate.errors)).toBe(true);
        return pointer;
      }),
    );
    expect(checked.length).toBeGreaterThanOrEqual(2);
  });
});

describe('expectMatchesSpec', () => {
  it('accepts a realistic request', () => {
    expect(() => getRequest(pendingRequest())).not.toThrow();
    expect(() =>
      getRequest(
        pendingRequest({
          status: 'draft',
          clientReference: null,
          smartAccountId: null,
          submittedAt: null,
          expiresAt: null,
          userEmails: [],
        }),
      ),
    ).not.toThrow();
  });

  it('rejects an undocumented field, naming it', () => {
    expect(() => getRequest(pendingRequest({ internalNote: 'x' }))).toThrow(
      /GET \/account-requests\/\{id\} → 200[\s\S]*\(root\) must NOT have additional properties \(internalNote\)/,
    );
  });

  it('rejects a bad status', () => {
    expect(() => getRequest(pendingRequest({ status: 'approved' }))).toThrow(
      /\/status must be equal to one of the allowed values/,
    );
  });

  it('rejects a missing required field', () => {
    const { expiresAt: _expiresAt, ...rest } = pendingRequest();
    expect(() => getRequest(rest)).toThrow(/must have required property 'expiresAt'/);
  });

  it('rejects bad dates, ids and a domain that is not normalized', () => {
    expect(() => getRequest(pendingRequest({ createdAt: '05.01.2026' }))).toThrow(/\/createdAt/);
    expect(() => getRequest(pendingRequest({ id: 'REQ-1' }))).toThrow(/\/id/);
    expect(() => getRequest(pendingRequest({ accountDomain: 'Müller.de' }))).toThrow(
      /\/accountDomain/,
    );
  });

  it('requires x-request-id and the described content type', () => {
    const { 'x-request-id': _id, ...noId } = json();
    expect(() => getRequest(pendingRequest(), noId)).toThrow(/header X-Request-Id is missing/);
    expect(() => getRequest(pendingRequest(), problemJson())).toThrow(
      /content type application\/problem\+json is not described/,
    );
  });

  it('validates a problem+json body with field errors', () => {
    const problem = {
      type: 'https://smart-onboard.dev/problems/validation-failed',
      title: 'Validation failed',
      status: 422,
      detail: '2 fields are invalid: customerEmail, userEmails[3].',
      code: 'validation-failed',
      requestId: 'req-7c0e2b1a-5d9f-4e21-8a3b-2f6c1d0e9a47',
      errors: [
        { field: 'customerEmail', code: 'invalid', message: 'customerEmail must be an email.' },
        { field: 'userEmails[3]', code: 'invalid', message: 'userEmails must be emails.' },
      ],
    };
    const post = (body: unknown, headers = problemJson()) =>
      expectMatchesSpec({
        method: 'POST',
        url: `${BASE}/account-requests`,
        status: 422,
        headers,
        body,
      });
    expect(() => post(problem)).not.toThrow();
    expect(() => post(problem, json())).toThrow(/content type application\/json is not described/);
    expect(() => post({ ...problem, errors: [{ field: 'x', code: 'invalid' }] })).toThrow(
      /\/errors\/0 must have required property 'message'/,
    );
  });

  it('allows problem extensions such as existingRequestId', () => {
    expect(() =>
      expectMatchesSpec({
        method: 'POST',
        url: `${BASE}/account-requests`,
        status: 409,
        headers: problemJson(),
        body: {
          type: 'https://smart-onboard.dev/problems/domain-has-pending-request',
          title: 'Conflict',
          status: 409,
          detail: 'mueller-maschinenbau.de already has a pending request.',
          code: 'domain-has-pending-request',
          requestId: 'req-1',
          existingRequestId: ID,
        },
      }),
    ).not.toThrow();
  });

  it('requires Retry-After on 429', () => {
    const tooMany = (headers: Record<string, string>) =>
      expectMatchesSpec({
        method: 'GET',
        url: `${BASE}/accounts?domain=example.com`,
        status: 429,
        headers,
        body: {
          type: 'https://smart-onboard.dev/problems/rate-limited',
          title: 'Too many requests',
          status: 429,
          detail: 'Rate limit exceeded; retry after 1 s.',
          code: 'rate-limited',
          requestId: 'req-1',
        },
      });
    expect(() => tooMany(problemJson({ 'retry-after': '1' }))).not.toThrow();
    expect(() => tooMany(problemJson())).toThrow(/header Retry-After is missing/);
    expect(() => tooMany(problemJson({ 'retry-after': 'soon' }))).toThrow(/Retry-After/);
  });

  it('rejects statuses, methods and paths the spec does not describe', () => {
    expect(() =>
      expectMatchesSpec({
        method: 'GET',
        url: `${BASE}/account-requests/${ID}`,
        status: 418,
        headers: problemJson(),
        body: {},
      }),
    ).toThrow(/does not describe status 418 for GET \/account-requests\/\{id\}/);
    expect(() => findOperation('DELETE', `/account-requests/${ID}`)).toThrow(
      /no operation DELETE \/account-requests\/\{id\}/,
    );
    expect(() => findOperation('GET', '/nowhere')).toThrow(/no path/);
  });

  it('strips query strings and base paths, preferring the exact path', () => {
    expect(findOperation('GET', '/api/v1/account-requests?status=pending&limit=5').name).toBe(
      'GET /account-requests',
    );
    expect(findOperation('GET', `${BASE}/account-requests/${ID}/review`).name).toBe(
      'GET /account-requests/{id}/review',
    );
    expect(findOperation('POST', `${BASE}/_sandbox/accounts`).name).toBe('POST /_sandbox/accounts');
  });

  it('checks bodiless responses and other content types', () => {
    const reset = (body: unknown) =>
      expectMatchesSpec({
        method: 'POST',
        url: `${BASE}/_sandbox/reset`,
        status: 204,
        headers: { 'x-request-id': 'req-1' },
        body,
      });
    expect(() => reset(undefined)).not.toThrow();
    expect(() => reset({ ok: true })).toThrow(/describes no body/);
    expect(() =>
      expectMatchesSpec({
        method: 'POST',
        url: `${BASE}/oauth/token`,
        status: 401,
        headers: json({ 'www-authenticate': 'Basic realm="token"' }),
        body: { error: 'invalid_client', error_description: 'Unknown client.' },
      }),
    ).not.toThrow();
  });
});

describe('expectRequestMatchesSpec', () => {
  const input = {
    accountName: 'Müller Maschinenbau GmbH',
    customerEmail: 'anna.mueller@müller-maschinenbau.de',
    accountDomain: 'müller-maschinenbau.de',
    noteToCustomer: 'Bitte aktivieren Sie das Konto innerhalb von 90 Tagen.',
    userEmails: ['it@mueller-maschinenbau.de'],
    noteToUsers: 'Sie erhalten Zugriff auf das Smart Account.',
    noteToCiscoApprover: null,
    clientReference: 'customers.csv#42',
    locale: 'de',
  };

  it('accepts a full input with an IDN domain, and a minimal one', () => {
    expect(() => expectRequestMatchesSpec('POST', '/account-requests', input)).not.toThrow();
    expect(() =>
      expectRequestMatchesSpec('POST', '/account-requests', {
        accountName: 'Acme',
        customerEmail: 'it@acme.example',
        accountDomain: 'acme.example',
      }),
    ).not.toThrow();
  });

  it('rejects unknown fields, bad values and missing fields', () => {
    const post = (body: unknown) => () =>
      expectRequestMatchesSpec('POST', `${BASE}/account-requests`, body);
    expect(post({ ...input, accountId: 'x' })).toThrow(/additional properties \(accountId\)/);
    expect(post({ ...input, locale: 'fr' })).toThrow(/\/locale/);
    expect(post({ ...input, customerEmail: 'not an email' })).toThrow(/\/customerEmail/);
    expect(post({ ...input, noteToUsers: 'x'.repeat(2001) })).toThrow(/\/noteToUsers/);
    expect(
      post({ ...input, userEmails: Array.from({ length: 51 }, (_, i) => `u${i}@acme.example`) }),
    ).toThrow(/\/userEmails/);
    expect(post({ ...input, clientReference: 'has space' })).toThrow(/\/clientReference/);
    const { accountName: _name, ...noName } = input;
    expect(post(noName)).toThrow(/required property 'accountName'/);
  });

  it('checks patch, submit and sandbox bodies', () => {
    expect(() =>
      expectRequestMatchesSpec('PATCH', `/account-requests/${ID}`, { noteToUsers: 'Hallo' }),
    ).not.toThrow();
    expect(() =>
      expectRequestMatchesSpec('PATCH', `/account-requests/${ID}`, { clientReference: 'x' }),
    ).toThrow(/clientReference/);
    expect(() =>
      expectRequestMatchesSpec('POST', `/account-requests/${ID}/submit`, {
        reviewToken: 'rv1.1.x',
      }),
    ).not.toThrow();
    expect(() => expectRequestMatchesSpec('POST', `/account-requests/${ID}/submit`, {})).toThrow(
      /reviewToken/,
    );
    expect(() =>
      expectRequestMatchesSpec('POST', '/_sandbox/clock', { advanceDays: 91 }),
    ).not.toThrow();
    expect(() =>
      expectRequestMatchesSpec('POST', '/_sandbox/clock', { advanceDays: 1, now: 'x' }),
    ).toThrow();
    expect(() =>
      expectRequestMatchesSpec('PUT', '/_sandbox/faults', { latencyMs: 50, rateLimitPerSecond: 5 }),
    ).not.toThrow();
    expect(() => expectRequestMatchesSpec('PUT', '/_sandbox/faults', { chaos: true })).toThrow();
    expect(() =>
      expectRequestMatchesSpec(
        'POST',
        '/oauth/token',
        { grant_type: 'client_credentials', client_id: 'a', client_secret: 'b' },
        'application/x-www-form-urlencoded',
      ),
    ).not.toThrow();
    expect(() =>
      expectRequestMatchesSpec('POST', `/account-requests/${ID}/cancel`, { a: 1 }),
    ).toThrow(/no request body/);
  });
});
