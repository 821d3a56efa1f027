import { hostname } from 'node:os';
import type { Status, Store } from '../store/index.js';

/** A worker id that says where it runs: `host:pid:random`. */
export function workerId(): string {
  return `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Gives back the leases of workers on this host that are gone (killed, crashed), so a
 * re-run does not wait for their leases to run out. Workers on other hosts keep theirs
 * until the lease expires.
 */
export async function releaseDeadClaims(
  store: Store,
  statuses: readonly Status[],
): Promise<number> {
  const host = hostname();
  let released = 0;
  let afterKey: string | undefined;
  for (;;) {
    const rows = await store.listCustomers({
      status: statuses,
      limit: 1000,
      ...(afterKey ? { afterKey } : {}),
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      const [h, pid] = row.claimedBy?.split(':') ?? [];
      if (row.claimedBy && h === host && pid && !alive(Number(pid))) {
        if (await store.release(row.key, row.claimedBy)) released += 1;
      }
    }
    afterKey = rows[rows.length - 1]?.key;
  }
  return released;
}
