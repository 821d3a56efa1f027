/**
 * `smart-onboard reconcile` is single-flight (issue 6): of two runs started at the
 * same moment on the same SQLite state, one exits at once with a clear message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, type World, startWorld } from './helpers/reconcile.js';

type CliResultWithPid = CliResult & { pid: number | undefined };

let w: World;

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.close();
});

describe('reconcile single-flight', { timeout: 90_000 }, () => {
  it('a second concurrent run exits 1 at once, naming the holder; the first finishes normally', async () => {
    const submitted = await w.submit(3, 'lock');
    expect(submitted.code, submitted.stderr).toBe(0);
    // Every API answer takes a while, so the winner holds the lock for seconds.
    const faults = await w.sandbox.call('PUT', '/_sandbox/faults', { body: { latencyMs: 1000 } });
    expect(faults.status).toBe(200);

    const a = w.spawnReconcile(['--no-inbox']);
    const b = w.spawnReconcile(['--no-inbox']);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    await w.sandbox.call('PUT', '/_sandbox/faults', { body: {} });

    const [loser, winner] = [
      { pid: a.child.pid, ...ra },
      { pid: b.child.pid, ...rb },
    ].sort((x, y) => x.ms - y.ms) as [CliResultWithPid, CliResultWithPid];
    expect(winner.code, winner.stderr).toBe(0);
    expect(JSON.parse(winner.stdout)).toMatchObject({ problems: 0, unreachable: [] });

    expect(loser.code, loser.stderr).toBe(1);
    expect(loser.stdout).toBe('');
    expect(loser.stderr).toMatch(
      /^smart-onboard: Lock "reconcile" is held by pid \d+ on \S+ since \S+; another run is in progress\.\n$/,
    );
    // It names the other process.
    expect(loser.stderr).toContain(`held by pid ${String(winner.pid)} on `);
    // At once: it did not wait for the winner's slow service calls.
    expect(loser.ms).toBeLessThan(winner.ms - 1000);

    // The lock is released: the next run goes through.
    const next = await w.reconcile(['--no-inbox']);
    expect(next.code, next.stderr).toBe(0);
  });
});
