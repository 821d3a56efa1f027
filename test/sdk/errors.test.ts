import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  AuthenticationError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
  ServerError,
  SmartAccountClient,
  SmartOnboardError,
  ValidationError,
} from '../../src/sdk/index.js';
import type { TestSandbox } from '../helpers/sandbox.js';
import { sandboxWithClient, setFaults } from '../helpers/sdk.js';

describe('SDK error classes, each from a real answer', () => {
  let sandbox: TestSandbox;
  let client: (o?: ConstructorParameters<typeof SmartAccountClient>[0]) => SmartAccountClient;
  beforeAll(async () => {
    ({ sandbox, client } = await sandboxWithClient());
  });
  afterAll(() => sandbox.close());

  const caught = async (p: Promise<unknown>) => {
    const error = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SmartOnboardError);
    return error as Error;
  };

  it('AuthenticationError for a wrong client secret, without the secret in the message', async () => {
    const error = await caught(
      client({ clientSecret: 'wrong-secret-123' }).accountRequests.retrieve('req_x'),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_client' });
    expect(error.message).not.toContain('wrong-secret-123');
    expect(JSON.stringify(error)).not.toContain('wrong-secret-123');
  });

  it('PermissionDeniedError for a read-only client that writes', async () => {
    const ro = client({ clientId: 'sandbox-readonly', clientSecret: 'readonly-secret' });
    const error = await caught(
      ro.accountRequests.create({
        accountName: 'A',
        customerEmail: 'a@ro.de',
        accountDomain: 'ro.de',
      }),
    );
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ status: 403, code: 'insufficient-scope', method: 'POST' });
    expect((error as PermissionDeniedError).requestId).toMatch(/^req-/);
  });

  it('NotFoundError with method and URL', async () => {
    const error = await caught(client().accountRequests.retrieve('req_missing'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      method: 'GET',
      url: expect.stringContaining('/account-requests/req_missing'),
    });
  });

  it('ConflictError naming the existing account', async () => {
    await sandbox.call('POST', '/_sandbox/accounts', {
      body: { name: 'Taken AG', domain: 'taken.de' },
    });
    const error = await caught(
      client().accountRequests.create({
        accountName: 'Taken',
        customerEmail: 'a@taken.de',
        accountDomain: 'taken.de',
      }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('domain-has-account');
    expect((error as ConflictError).existingAccountId).toMatch(/^SA-/);
  });

  it('ValidationError with the service’s field errors', async () => {
    const error = await caught(
      client().accountRequests.create({
        accountName: 'Nodot',
        customerEmail: 'a@nodot.de',
        accountDomain: 'nodot',
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toEqual([
      expect.objectContaining({ field: 'accountDomain' }),
    ]);
    expect(error.message).toContain('accountDomain');
  });

  it('RateLimitError with Retry-After once retries run out', async () => {
    const c = client({ maxRetries: 0 });
    await c.accounts.search({ domain: 'warm.de' });
    await setFaults(sandbox, { rateLimitPerSecond: 1 });
    try {
      await c.accounts.search({ domain: 'a.de' }).catch(() => undefined);
      const error = await caught(c.accounts.search({ domain: 'b.de' }));
      expect(error).toBeInstanceOf(RateLimitError);
      expect((error as RateLimitError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    } finally {
      await setFaults(sandbox, {});
    }
  });

  it('ServerError once retries run out', async () => {
    const c = client({ maxRetries: 1 });
    await c.accounts.search({ domain: 'warm.de' });
    await setFaults(sandbox, { errorRate: 1 });
    try {
      const error = await caught(c.accounts.search({ domain: 'a.de' }));
      expect(error).toBeInstanceOf(ServerError);
      expect(error).toMatchObject({ status: 503 });
    } finally {
      await setFaults(sandbox, {});
    }
  });

  it('APIConnectionTimeoutError (with cause) for a response slower than the timeout', async () => {
    const c = client({ maxRetries: 0, timeout: 300 });
    await c.accounts.search({ domain: 'warm.de' });
    await setFaults(sandbox, { slowNext: 1, slowMs: 1500 });
    const error = await caught(c.accounts.search({ domain: 'slow.de' }));
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(error.cause).toBeDefined();
    expect(error.message).toContain('300 ms');
  });

  it('APIConnectionError (with cause) when nothing listens', async () => {
    const c = new SmartAccountClient({
      baseUrl: 'http://127.0.0.1:9',
      accessToken: 't',
      maxRetries: 0,
      env: {},
    });
    const error = await caught(c.accountRequests.retrieve('x'));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  describe('a service answering outside the contract', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'bad-1' });
        res.end(JSON.stringify({ id: 42, status: 'weird' }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('ResponseValidationError shows what was expected where', async () => {
      const c = new SmartAccountClient({ baseUrl: url, accessToken: 'static', env: {} });
      const error = await caught(c.accountRequests.retrieve('req_1'));
      expect(error).toBeInstanceOf(ResponseValidationError);
      const rve = error as ResponseValidationError;
      expect(rve.requestId).toBe('bad-1');
      expect(rve.issues.map((i) => i.path)).toEqual(
        expect.arrayContaining(['id', 'status', 'accountName']),
      );
      expect(error.message).toMatch(/status: .*(draft|expected)/);
    });
  });
});
