import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';

describe('sandbox: rate limit and injected faults', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    await sandbox.call('PUT', '/_sandbox/faults', { body: {} });
  });

  const setFaults = (body: Record<string, number>) =>
    sandbox.call<Record<string, number>>('PUT', '/_sandbox/faults', { body });

  it('answers 429 with Retry-After once the token bucket is empty', async () => {
    const token = await sandbox.token();
    await setFaults({ rateLimitPerSecond: 5 });
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 12; i += 1) {
      const res = await sandbox.call('GET', '/account-requests', { token });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers['retry-after'];
        expect(res.body.code).toBe('rate-limited');
      }
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('answers every call with the configured error status at errorRate 1', async () => {
    const token = await sandbox.token();
    await setFaults({ errorRate: 1, errorStatus: 503 });
    const res = await sandbox.call('GET', '/account-requests', { token });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('unavailable');
    expect((await sandbox.call('GET', '/_sandbox/faults')).status).toBe(200);
  });

  it('resets the connection at resetRate 1', async () => {
    const token = await sandbox.token();
    await setFaults({ resetRate: 1 });
    await expect(
      fetch(`${sandbox.baseUrl}/account-requests`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    ).rejects.toThrow();
  });

  it('adds latency with jitter', async () => {
    const token = await sandbox.token();
    await setFaults({ latencyMs: 150, jitterMs: 50 });
    const started = performance.now();
    await sandbox.call('GET', '/account-requests', { token });
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(145);
    expect(took).toBeLessThan(2000);
  });

  it('answers the next N calls only after slowMs, past a client timeout', async () => {
    const token = await sandbox.token();
    await setFaults({ slowNext: 1, slowMs: 800 });
    const timedOut = await new Promise<boolean>((resolve) => {
      const req = request(`${sandbox.baseUrl}/account-requests`, {
        headers: { authorization: `Bearer ${token}` },
        timeout: 200,
      });
      req.on('timeout', () => {
        req.destroy();
        resolve(true);
      });
      req.on('response', () => resolve(false));
      req.on('error', () => undefined);
      req.end();
    });
    expect(timedOut).toBe(true);
    const next = await sandbox.call('GET', '/account-requests', { token });
    expect(next.status).toBe(200);
  });

  it('rejects unknown or out-of-range fault settings', async () => {
    const res = await sandbox.call<{ errors: Array<{ field: string }> }>(
      'PUT',
      '/_sandbox/faults',
      {
        body: { errorRate: 2, typo: 1 },
      },
    );
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e) => e.field).sort()).toEqual(['errorRate', 'typo']);
  });

  it('never injects faults into control routes', async () => {
    await setFaults({ errorRate: 1, resetRate: 1 });
    expect((await sandbox.call('GET', '/_sandbox/state')).status).toBe(200);
  });
});
