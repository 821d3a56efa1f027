import { z } from 'zod';
import type { RequestOptions, ResolvedOptions, TokenProvider } from '../options.js';
import type { TokenSource, Transport } from './transport.js';

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().positive().optional(),
});

/** Refresh this long before the token's stated expiry, so no call races it. */
const REFRESH_MARGIN_MS = 60_000;
/** When the token endpoint does not say, assume this lifetime. */
const DEFAULT_TTL_MS = 5 * 60_000;

/**
 * OAuth2 client credentials: caches the token, refreshes it before it expires, and
 * fetches once even when many calls need a token at the same moment.
 */
export class ClientCredentialsTokens implements TokenSource {
  #token: string | undefined;
  #expiresAt = 0;
  #marginMs = 0;
  #inFlight: Promise<string> | undefined;
  /** Tokens fetched so far (observable in tests and logs). */
  fetched = 0;

  constructor(
    private readonly transport: Transport,
    private readonly options: ResolvedOptions & {
      credentials: { kind: 'client'; clientId: string; clientSecret: string };
    },
  ) {}

  get(options: RequestOptions): Promise<string> {
    if (this.#token && Date.now() < this.#expiresAt - this.#marginMs) {
      return Promise.resolve(this.#token);
    }
    this.#inFlight ??= this.#fetch(options).finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  invalidate(token: string): void {
    // Only the token that failed: a newer one fetched meanwhile stays.
    if (this.#token === token) this.#token = undefined;
  }

  async #fetch(options: RequestOptions): Promise<string> {
    const { clientId, clientSecret } = this.options.credentials;
    const started = Date.now();
    const body = await this.transport.call(
      {
        method: 'POST',
        url: this.options.tokenUrl,
        form: {
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
        },
        // Asking for a token twice is harmless, so the call may be repeated.
        repeatable: true,
        auth: false,
      },
      tokenResponse,
      { ...options, maxRetries: options.maxRetries ?? this.options.maxRetries },
    );
    this.fetched += 1;
    this.#token = body.access_token;
    const ttlMs = body.expires_in !== undefined ? body.expires_in * 1000 : DEFAULT_TTL_MS;
    // Short-lived tokens: refresh at half their life rather than after they lapse.
    this.#expiresAt = started + ttlMs;
    // Short-lived tokens are refreshed at half their life rather than a minute early.
    this.#marginMs = Math.min(REFRESH_MARGIN_MS, ttlMs / 2);
    this.options.logger.debug('smart-onboard: fetched an access token', {
      expiresInSeconds: body.expires_in,
    });
    return body.access_token;
  }
}

/** A caller-supplied token or token function; asked again after every 401. */
export class ProvidedTokens implements TokenSource {
  constructor(private readonly provider: TokenProvider) {}

  async get(): Promise<string> {
    return this.provider();
  }

  invalidate(): void {
    // Nothing cached here: the provider is asked for every call.
  }
}
