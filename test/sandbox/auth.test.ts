import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';

describe('sandbox: OAuth2 client credentials', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ tokenTtlSeconds: 600 });
  });
  afterAll(() => sandbox.close());

  const tokenCall = (body: string, headers: Record<string, string> = {}) =>
    sandbox.call('POST', '/oauth/token', {
      raw: body,
      token: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });

  it('issues an expiring bearer token for the right client secret', async () => {
    const res = await tokenCall(
      'grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
    expect(res.body.access_token).toEqual(expect.any(String));
  });

  it('accepts HTTP Basic client authentication', async () => {
    const basic = Buffer.from('sandbox-client:sandbox-secret').toString('base64');
    const res = await tokenCall('grant_type=client_credentials', {
      authorization: `Basic ${basic}`,
    });
    expect(res.status).toBe(200);
  });

  it('refuses a wrong secret with invalid_client and never echoes the secret', async () => {
    const res = await tokenCall(
      'grant_type=client_credentials&client_id=sandbox-client&client_secret=hunter2',
    );
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
  });

  it('refuses other grant types', async () => {
    const res = await tokenCall('grant_type=password&username=a&password=b');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_grant_type');
  });

  it('answers 401 token-missing without a token', async () => {
    const res = await sandbox.call('GET', '/account-requests', { token: null });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token-missing');
    expect(res.headers['www-authenticate']).toContain('Bearer');
  });

  it('answers 401 token-invalid for a made-up token', async () => {
    const res = await sandbox.call('GET', '/account-requests', { token: 'not-a-token' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token-invalid');
  });

  it('answers 401 token-expired once the clock passes the token lifetime', async () => {
    const token = await sandbox.token();
    expect((await sandbox.call('GET', '/account-requests', { token })).status).toBe(200);
    await sandbox.call('POST', '/_sandbox/clock', { body: { advanceDays: 1 } });
    const res = await sandbox.call('GET', '/account-requests', { token });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token-expired');
  });

  it('answers 403 when a read-only client tries to write', async () => {
    const token = await sandbox.token('sandbox-readonly', 'readonly-secret');
    expect((await sandbox.call('GET', '/account-requests', { token })).status).toBe(200);
    const res = await sandbox.call('POST', '/account-requests', {
      token,
      body: { accountName: 'X', customerEmail: 'a@x.de', accountDomain: 'x.de' },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient-scope');
  });
});
