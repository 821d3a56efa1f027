import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SmartAccountClient } from '../../src/sdk/index.js';
import type { TestSandbox } from '../helpers/sandbox.js';
import { sandboxRequests, sandboxWithClient, setFaults } from '../helpers/sdk.js';

describe('SDK tokens and retries', () => {
  let sandbox: TestSandbox;
  let client: (o?: ConstructorParameters<typeof SmartAccountClient>[0]) => SmartAccountClient;
  beforeAll(async () => {
    ({ sandbox, client } = await sandboxWithClient({ tokenTtlSeconds: 3600 }));
  });
  afterAll(() => sandbox.close());
  beforeEach(() => setFaults(sandbox, {}));

  it('50 parallel calls share one token fetch', async () => {
    const before = (await sandboxRequests(sandbox)).tokensIssued;
    const c = client();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => c.accounts.search({ domain: `p${i}.de` })),
    );
    expect(results).toHaveLength(50);
    expect(c.tokensFetched).toBe(1);
    expect((await sandboxRequests(sandbox)).tokensIssued - before).toBe(1);
  });

  it('a token that expires mid-run is refreshed once and the call succeeds', async () => {
    const c = client();
    await c.accounts.search({ domain: 'before.de' });
    expect(c.tokensFetched).toBe(1);
    // Two hours pass on the service's clock: the cached token is now refused with 401.
    await sandbox.call('POST', '/_sandbox/clock', { body: { advanceDays: 1 / 12 } });
    await Promise.all(Array.from({ length: 10 }, () => c.accounts.search({ domain: 'after.de' })));
    expect(c.tokensFetched).toBe(2);
  });

  it('retries 503s and resets until the call succeeds, reporting each retry', async () => {
    const retries: string[] = [];
    const c = client({
      maxRetries: 10,
      hooks: { beforeRetry: (i) => void retries.push(i.reason) },
    });
    await c.accounts.search({ domain: 'warm.de' });
    await setFaults(sandbox, { errorRate: 0.3, resetRate: 0.1 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => c.accounts.search({ domain: `r${i}.de` })),
    );
    expect(results).toHaveLength(20);
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.some((r) => r.includes('503'))).toBe(true);
  });

  it('waits as long as Retry-After says before retrying a 429', async () => {
    const c = client({ maxRetries: 3 });
    await c.accounts.search({ domain: 'warm.de' });
    await setFaults(sandbox, { rateLimitPerSecond: 1 });
    await c.accounts.search({ domain: 'first.de' }).catch(() => undefined);
    const started = performance.now();
    await c.accounts.search({ domain: 'second.de' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('caps a long Retry-After at maxRetryAfterSeconds', async () => {
    const c = client({ maxRetries: 2, maxRetryAfterSeconds: 0.2 });
    await c.accounts.search({ domain: 'warm.de' });
    await setFaults(sandbox, { rateLimitPerSecond: 0.2 });
    const started = performance.now();
    await c.accounts.search({ domain: 'x.de' }).catch(() => undefined);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('calls hooks around each try, without the token', async () => {
    const seen: string[] = [];
    const c = client({
      hooks: {
        beforeRequest: (i) => void seen.push(`> ${i.method} ${new URL(i.url).pathname}`),
        afterResponse: (i) => void seen.push(`< ${i.status}`),
      },
    });
    await c.accounts.search({ domain: 'hooks.de' });
    expect(seen).toEqual(['> POST /oauth/token', '< 200', '> GET /accounts', '< 200']);
    expect(JSON.stringify(seen)).not.toContain('Bearer');
  });

  it('uses an async token provider and asks it again after a 401', async () => {
    const good = await sandbox.token();
    const handed: string[] = [];
    const tokens = ['stale-token', good];
    const c = client({
      clientId: undefined,
      clientSecret: undefined,
      accessToken: async () => {
        const t = tokens.shift() ?? good;
        handed.push(t);
        return t;
      },
    });
    const found = await c.accounts.search({ domain: 'provider.de' });
    expect(found).toEqual([]);
    expect(handed).toEqual(['stale-token', good]);
  });
});
