import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/index.js';
import { expectMatchesSpec } from './openapi.js';

/** A response as the tests look at it. */
export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

export interface CallOptions {
  body?: unknown;
  /** Raw body text, sent as is (for malformed JSON and huge bodies). */
  raw?: string;
  token?: string | null;
  headers?: Record<string, string>;
  /** Skip the openapi.yaml check (only for answers the spec cannot describe). */
  unchecked?: boolean;
}

/** A sandbox on a free port plus a small HTTP client that checks every answer against the spec. */
export interface TestSandbox extends Sandbox {
  token(clientId?: string, clientSecret?: string): Promise<string>;
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: CallOptions,
  ): Promise<ApiResponse<T>>;
  /** Creates, reviews and submits a request; returns the pending request. */
  submitted(input: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const sandbox = await startSandbox({ port: 0, ...options });
  let cached: string | undefined;

  const token = async (clientId = sandbox.clientId, clientSecret = sandbox.clientSecret) => {
    const res = await fetch(sandbox.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    const body = (await res.json()) as { access_token: string };
    return body.access_token;
  };

  const call = async <T>(
    method: string,
    path: string,
    o: CallOptions = {},
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...o.headers };
    const useCached = o.token === undefined && !path.startsWith('/_sandbox');
    if (typeof o.token === 'string') headers.authorization ??= `Bearer ${o.token}`;
    if (useCached) {
      cached ??= await token();
      headers.authorization ??= `Bearer ${cached}`;
    }
    let payload: string | undefined = o.raw;
    if (o.body !== undefined) {
      payload = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const url = `${sandbox.baseUrl}${path}`;
    const res = await fetch(url, { method, headers, body: payload });
    const text = await res.text();
    const body = (text ? JSON.parse(text) : undefined) as T;
    const out = { status: res.status, headers: Object.fromEntries(res.headers), body };
    if (!o.unchecked) {
      expectMatchesSpec({ method, url, status: res.status, headers: out.headers, body });
    }
    // Moving the sandbox clock ages the cached token too: fetch a new one, once.
    if (useCached && res.status === 401 && !o.headers?.authorization) {
      cached = await token();
      return call<T>(method, path, {
        ...o,
        headers: { ...o.headers, authorization: `Bearer ${cached}` },
      });
    }
    return out;
  };

  const submitted = async (input: Record<string, unknown>) => {
    const created = await call<{ id: string }>('POST', '/account-requests', { body: input });
    if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
    const review = await call<{ reviewToken: string }>(
      'GET',
      `/account-requests/${created.body.id}/review`,
    );
    const submit = await call<Record<string, unknown>>(
      'POST',
      `/account-requests/${created.body.id}/submit`,
      {
        body: { reviewToken: review.body.reviewToken },
        headers: { 'idempotency-key': `k-${created.body.id}` },
      },
    );
    if (submit.status !== 200) throw new Error(`submit failed: ${JSON.stringify(submit.body)}`);
    return submit.body;
  };

  return { ...sandbox, token, call, submitted };
}

/** A valid request body; override any field. */
export function draft(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    accountName: 'Müller Maschinenbau GmbH',
    customerEmail: 'anna.mueller@mueller-maschinenbau.de',
    accountDomain: 'mueller-maschinenbau.de',
    noteToCustomer: 'Bitte aktivieren Sie das Konto innerhalb von 90 Tagen.',
    userEmails: ['it@mueller-maschinenbau.de', 'einkauf@mueller-maschinenbau.de'],
    noteToUsers: 'Sie erhalten Zugriff auf das Smart Account.',
    locale: 'de',
    ...overrides,
  };
}
