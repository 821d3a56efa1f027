import { setTimeout as sleep } from 'node:timers/promises';
import got, { type Got, RequestError, TimeoutError } from 'got';
import type { z } from 'zod';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  type APIError,
  ResponseValidationError,
  makeAPIError,
} from '../errors.js';
import type { RequestOptions, ResolvedOptions } from '../options.js';
import { isRetryableStatus, isSafeToRepeat, parseRetryAfter, retryDelayMs } from './retry.js';

/** One answer, before it is judged. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A call to make. */
export interface CallSpec {
  method: 'GET' | 'POST' | 'PATCH';
  /** Absolute URL, or a path below the base URL. */
  url: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  idempotencyKey?: string;
  /** A POST that is harmless to repeat without a key (the token request). */
  repeatable?: boolean;
  /** Adds the bearer token; off for the token endpoint itself. */
  auth: boolean;
}

/** Supplies bearer tokens and forgets one the service refused. */
export interface TokenSource {
  get(options: RequestOptions): Promise<string>;
  invalidate(token: string): void;
}

const header = (h: RawResponse['headers'], name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Sends calls with got: timeouts, retries with backoff and `Retry-After`, one token
 * refresh on 401, error mapping and response parsing. The only place that does HTTP.
 */
export class Transport {
  readonly #got: Got;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly tokens?: TokenSource,
  ) {
    // Retries are ours (they must know about idempotency keys and tokens), so got's are off.
    this.#got = got.extend({
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'text',
      headers: { 'user-agent': options.userAgent, accept: 'application/json' },
    });
  }

  /** Makes the call and parses a 2xx body with `schema`; errors become SDK errors. */
  async call<S extends z.ZodType>(
    spec: CallSpec,
    schema: S,
    options: RequestOptions = {},
  ): Promise<z.output<S>> {
    const { response, url } = await this.#send(spec, options);
    let parsed: unknown;
    try {
      parsed = response.text === '' ? undefined : JSON.parse(response.text);
    } catch {
      throw new ResponseValidationError(
        spec.method,
        url,
        [{ path: '', message: 'expected a JSON body' }],
        header(response.headers, 'x-request-id'),
      );
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      throw new ResponseValidationError(
        spec.method,
        url,
        result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        header(response.headers, 'x-request-id'),
      );
    }
    return result.data;
  }

  #url(spec: CallSpec): string {
    const url = new URL(
      spec.url.startsWith('http') ? spec.url : `${this.options.baseUrl}${spec.url}`,
    );
    for (const [k, v] of Object.entries(spec.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    return url.toString();
  }

  async #send(
    spec: CallSpec,
    options: RequestOptions,
  ): Promise<{ response: RawResponse; url: string }> {
    const url = this.#url(spec);
    const maxRetries = options.maxRetries ?? this.options.maxRetries;
    const timeout = options.timeout ?? this.options.timeout;
    const repeatable = spec.repeatable === true || isSafeToRepeat(spec.method, spec.idempotencyKey);
    const { logger, hooks } = this.options;
    let refreshedAfter401 = false;

    for (let attempt = 0; ; attempt += 1) {
      options.signal?.throwIfAborted();
      const info = { method: spec.method, url, attempt };
      const token = spec.auth && this.tokens ? await this.tokens.get(options) : undefined;
      hooks.beforeRequest?.(info);
      const started = performance.now();
      let failure: APIError | APIConnectionError;
      let retryAfter: number | undefined;
      try {
        const res = await this.#got(url, {
          method: spec.method,
          headers: {
            ...spec.headers,
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(spec.idempotencyKey ? { 'idempotency-key': spec.idempotencyKey } : {}),
          },
          ...(spec.json !== undefined ? { json: spec.json } : {}),
          ...(spec.form ? { form: spec.form } : {}),
          timeout: { request: timeout },
          ...(options.signal ? { signal: options.signal } : {}),
        });
        const response: RawResponse = {
          status: res.statusCode,
          headers: res.headers,
          text: res.body,
        };
        const requestId = header(res.headers, 'x-request-id');
        hooks.afterResponse?.({
          ...info,
          status: res.statusCode,
          requestId,
          durationMs: performance.now() - started,
        });
        if (res.statusCode < 400) return { response, url };
        let body: unknown;
        try {
          body = JSON.parse(res.body);
        } catch {
          body = undefined;
        }
        retryAfter = parseRetryAfter(header(res.headers, 'retry-after'));
        failure = makeAPIError({
          status: res.statusCode,
          method: spec.method,
          url,
          body,
          requestId,
          retryAfterSeconds: retryAfter,
        });
        if (res.statusCode === 401 && token && this.tokens && !refreshedAfter401) {
          // The token may have expired early or been revoked: get a new one, once.
          refreshedAfter401 = true;
          this.tokens.invalidate(token);
          logger.debug('smart-onboard: 401, refreshing the access token', info);
          attempt -= 1;
          continue;
        }
        if (!isRetryableStatus(res.statusCode)) throw failure;
      } catch (error) {
        if (error instanceof Error && error.name === 'AbortError') throw error;
        if (!(error instanceof RequestError)) throw error;
        failure =
          error instanceof TimeoutError
            ? new APIConnectionTimeoutError(spec.method, url, timeout, error)
            : new APIConnectionError(spec.method, url, error);
      }
      if (!repeatable || attempt >= maxRetries) throw failure;
      const delayMs = retryDelayMs(attempt + 1, retryAfter, this.options.maxRetryAfterSeconds);
      const reason = failure.message;
      hooks.beforeRetry?.({ ...info, delayMs, reason });
      logger.warn(`smart-onboard: retrying in ${Math.round(delayMs)} ms: ${reason}`, info);
      await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : {});
    }
  }
}
