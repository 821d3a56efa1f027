// The SDK's per-call overhead: SmartAccountClient.accountRequests.retrieve against a
// bare got GET of the same sandbox route with the same token, in the same run.
import got from 'got';
import { SmartAccountClient } from '../src/sdk/index.js';
import { median, report, spawnSandbox } from './lib.js';

const CALLS = Number(process.env.BENCH_SDK_CALLS ?? 1500);
const ROUNDS = 5;

const sandbox = await spawnSandbox();
try {
  const client = new SmartAccountClient({
    baseUrl: sandbox.baseUrl,
    tokenUrl: sandbox.tokenUrl,
    clientId: sandbox.clientId,
    clientSecret: sandbox.clientSecret,
    env: {},
  });
  const created = await client.accountRequests.create({
    accountName: 'Bench GmbH',
    customerEmail: 'it@bench.de',
    accountDomain: 'bench.de',
  });
  const token = (
    await got
      .post(sandbox.tokenUrl, {
        form: {
          grant_type: 'client_credentials',
          client_id: sandbox.clientId,
          client_secret: sandbox.clientSecret,
        },
      })
      .json<{ access_token: string }>()
  ).access_token;
  const url = `${sandbox.baseUrl}/account-requests/${created.id}`;
  const bare = async () => {
    await got(url, { headers: { authorization: `Bearer ${token}` } }).json();
  };
  const sdk = async () => {
    await client.accountRequests.retrieve(created.id);
  };
  const perCall = async (fn: () => Promise<void>) => {
    const started = performance.now();
    for (let i = 0; i < CALLS; i += 1) await fn();
    return (performance.now() - started) / CALLS;
  };
  // Warm both paths, then alternate rounds so drift hits both alike.
  await perCall(bare);
  await perCall(sdk);
  const bareTimes: number[] = [];
  const sdkTimes: number[] = [];
  for (let r = 0; r < ROUNDS; r += 1) {
    bareTimes.push(await perCall(bare));
    sdkTimes.push(await perCall(sdk));
  }
  const b = median(bareTimes);
  const s = median(sdkTimes);
  report({
    name: 'SDK call vs bare got (same route)',
    value: s / b,
    goal: '≤ 1.3×',
    pass: s / b <= 1.3,
    detail: `SDK ${(s * 1000).toFixed(0)} µs/call, got ${(b * 1000).toFixed(0)} µs/call, ${CALLS}×${ROUNDS} calls`,
  });
} finally {
  sandbox.stop();
}
