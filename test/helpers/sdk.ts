import type { SandboxOptions } from '../../src/sandbox/index.js';
import { type ClientOptions, SmartAccountClient } from '../../src/sdk/index.js';
import { type TestSandbox, startTestSandbox } from './sandbox.js';

/** A sandbox plus an SDK client pointed at it (no environment involved). */
export async function sandboxWithClient(
  sandboxOptions: SandboxOptions = {},
): Promise<{ sandbox: TestSandbox; client: (o?: ClientOptions) => SmartAccountClient }> {
  const sandbox = await startTestSandbox(sandboxOptions);
  const client = (o: ClientOptions = {}) =>
    new SmartAccountClient({
      baseUrl: sandbox.baseUrl,
      tokenUrl: sandbox.tokenUrl,
      clientId: sandbox.clientId,
      clientSecret: sandbox.clientSecret,
      env: {},
      ...o,
    });
  return { sandbox, client };
}

/** Sets the sandbox's faults (all others off). */
export async function setFaults(sandbox: TestSandbox, faults: Record<string, number>) {
  const res = await sandbox.call('PUT', '/_sandbox/faults', { body: faults });
  if (res.status !== 200) throw new Error(`faults refused: ${JSON.stringify(res.body)}`);
}

/** The sandbox's view of every request. */
export async function sandboxRequests(sandbox: TestSandbox) {
  const res = await sandbox.call<{
    requests: Array<{
      id: string;
      clientReference: string | null;
      submitCount: number;
      status: string;
    }>;
    tokensIssued: number;
  }>('GET', '/_sandbox/state');
  return res.body;
}
