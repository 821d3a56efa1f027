import { freePort, isPortOpen, waitForPort as waitFor } from '../../src/demo/ports.js';

/** Free ports and port probes on 127.0.0.1; the demo's own helpers, with throwing waits. */
export { freePort, isPortOpen };

/** Polls until 127.0.0.1:port accepts connections; rejects after timeoutMs. */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  if (!(await waitFor(port, true, timeoutMs))) {
    throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
  }
}

/** Polls until 127.0.0.1:port refuses connections; rejects after timeoutMs. */
export async function waitForPortClosed(port: number, timeoutMs = 10_000): Promise<void> {
  if (!(await waitFor(port, false, timeoutMs))) {
    throw new Error(`port ${port} still open after ${timeoutMs} ms`);
  }
}
