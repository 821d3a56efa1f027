import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { SandboxClock } from './clock.js';
import { Problem } from './problem.js';

/** A client allowed to ask for tokens. */
export interface SandboxClient {
  clientId: string;
  clientSecret: string;
  /** `write` may create and submit; `read` may only search and read. */
  scopes: Array<'read' | 'write'>;
}

/** Who made a call, once the bearer token is checked. */
export interface Caller {
  clientId: string;
  scopes: Array<'read' | 'write'>;
}

interface IssuedToken extends Caller {
  expiresAt: number;
}

/** The body of a successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** An OAuth error answer from the token endpoint (RFC 6749 §5.2). */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * OAuth2 client credentials with tokens that expire on the sandbox clock, so moving
 * the clock also ages tokens, as real time would.
 */
export class TokenIssuer {
  readonly #tokens = new Map<string, IssuedToken>();
  /** How many tokens were issued; tests use it to prove token reuse. */
  issued = 0;

  constructor(
    private readonly clients: SandboxClient[],
    private readonly clock: SandboxClock,
    public ttlSeconds: number,
  ) {}

  issue(params: Record<string, string | undefined>, basic?: string): TokenResponse {
    let { client_id: id, client_secret: secret } = params;
    if (basic) {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        id = decodeURIComponent(decoded.slice(0, colon));
        secret = decodeURIComponent(decoded.slice(colon + 1));
      }
    }
    if (params.grant_type !== 'client_credentials') {
      throw new OAuthError(
        400,
        'unsupported_grant_type',
        'Only grant_type=client_credentials is supported.',
      );
    }
    if (!id || !secret) {
      throw new OAuthError(400, 'invalid_request', 'client_id and client_secret are required.');
    }
    const client = this.clients.find((c) => c.clientId === id);
    if (!client || !sameSecret(client.clientSecret, secret)) {
      throw new OAuthError(401, 'invalid_client', 'Unknown client or wrong client secret.');
    }
    const token = randomBytes(24).toString('base64url');
    this.#tokens.set(token, {
      clientId: client.clientId,
      scopes: client.scopes,
      expiresAt: this.clock.now().getTime() + this.ttlSeconds * 1000,
    });
    this.issued += 1;
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: this.ttlSeconds,
      scope: client.scopes.join(' '),
    };
  }

  /** Checks an `Authorization` header; throws a 401 problem when it is not good. */
  verify(header: string | undefined): Caller {
    const challenge = { 'www-authenticate': 'Bearer error="invalid_token"' };
    if (!header?.startsWith('Bearer ')) {
      throw new Problem(
        401,
        'token-missing',
        'Unauthorized',
        'Send an access token as "Authorization: Bearer <token>"; get one from the token URL.',
        [],
        {},
        { 'www-authenticate': 'Bearer' },
      );
    }
    const issued = this.#tokens.get(header.slice('Bearer '.length).trim());
    if (!issued) {
      throw new Problem(
        401,
        'token-invalid',
        'Unauthorized',
        'The access token is not valid; request a new one.',
        [],
        {},
        challenge,
      );
    }
    if (issued.expiresAt <= this.clock.now().getTime()) {
      throw new Problem(
        401,
        'token-expired',
        'Unauthorized',
        'The access token has expired; request a new one.',
        [],
        {},
        challenge,
      );
    }
    return { clientId: issued.clientId, scopes: issued.scopes };
  }

  clear(): void {
    this.#tokens.clear();
    this.issued = 0;
  }
}

/** Throws 403 unless the caller may write. */
export function requireWrite(caller: Caller): void {
  if (!caller.scopes.includes('write')) {
    throw new Problem(
      403,
      'insufficient-scope',
      'Forbidden',
      'This client may only read; use a client with the "write" scope to change requests.',
    );
  }
}
