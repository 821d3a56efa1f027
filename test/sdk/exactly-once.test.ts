import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmartAccountClient } from '../../src/sdk/index.js';
import type { TestSandbox } from '../helpers/sandbox.js';
import { sandboxRequests, sandboxWithClient, setFaults } from '../helpers/sdk.js';

const CALLS = 200;
const CONCURRENCY = 25;

describe('requestSmartAccount under faults', () => {
  let sandbox: TestSandbox;
  let client: (o?: ConstructorParameters<typeof SmartAccountClient>[0]) => SmartAccountClient;
  beforeAll(async () => {
    ({ sandbox, client } = await sandboxWithClient());
  });
  afterAll(() => sandbox.close());

  it(`${CALLS} calls with 30 % 503, 10 % resets, 429s and a slow answer all succeed, each submitted exactly once`, async () => {
    const retries = { total: 0 };
    const c = client({
      maxRetries: 12,
      timeout: 1_000,
      hooks: { beforeRetry: () => void (retries.total += 1) },
    });
    await setFaults(sandbox, {
      errorRate: 0.3,
      resetRate: 0.1,
      rateLimitPerSecond: 400,
      slowNext: 1,
      slowMs: 2_000,
    });

    const refs = Array.from({ length: CALLS }, (_, i) => `cust-${String(i).padStart(3, '0')}`);
    const results: Array<{ ref: string; status: string }> = [];
    const queue = [...refs];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let ref = queue.shift(); ref; ref = queue.shift()) {
          const r = await c.requestSmartAccount(
            {
              accountName: `Kunde ${ref}`,
              customerEmail: `it@${ref}.example.de`,
              accountDomain: `${ref}.example.de`,
              userEmails: [`ops@${ref}.example.de`],
            },
            { clientReference: ref },
          );
          results.push({ ref, status: r.status });
        }
      }),
    );
    await setFaults(sandbox, {});

    expect(results).toHaveLength(CALLS);
    expect(results.every((r) => r.status === 'pending')).toBe(true);
    expect(retries.total).toBeGreaterThan(CALLS / 2);

    const state = await sandboxRequests(sandbox);
    const submits = new Map<string, number>();
    for (const r of state.requests) {
      if (!r.clientReference) continue;
      submits.set(r.clientReference, (submits.get(r.clientReference) ?? 0) + r.submitCount);
    }
    expect([...submits.keys()].sort()).toEqual(refs);
    expect([...submits.values()].every((count) => count === 1)).toBe(true);
    // One live request per customer: no second draft was left behind either.
    expect(state.requests.filter((r) => r.clientReference).length).toBe(CALLS);
  }, 180_000);
});
