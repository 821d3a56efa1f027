import { type TokenIssuer, OAuthError, requireWrite } from './auth.js';
import type { Reply, RouteContext, Router } from './http.js';
import { Problem } from './problem.js';
import { type ListQuery, SandboxService } from './service.js';
import { accountRequestInput, accountRequestPatch, parseInput } from './validation.js';

const invalidQuery = (field: string, message: string) =>
  new Problem(400, 'invalid-query', 'Bad request', `Query parameter ${field} is invalid.`, [
    { field, code: 'invalid', message },
  ]);

const ok = (body: unknown, status = 200): Reply => ({ status, body });

/** A reply for an idempotent call; replays say so in a header. */
const replayable = (result: { status: number; body: unknown; replayed: boolean }): Reply => ({
  status: result.status,
  body: result.body,
  headers: result.replayed ? { 'idempotent-replayed': 'true' } : {},
});

function idempotencyKey(ctx: RouteContext, required: boolean): string | undefined {
  const key = ctx.headers['idempotency-key'];
  const value = Array.isArray(key) ? key[0] : key;
  if (value === undefined || value === '') {
    if (!required) return undefined;
    throw new Problem(
      400,
      'idempotency-key-required',
      'Bad request',
      'Send an Idempotency-Key header (a new random value per submit, the same on every retry).',
    );
  }
  if (value.length > 255) throw invalidQuery('Idempotency-Key', 'Use at most 255 characters.');
  return value;
}

function listQuery(query: URLSearchParams): ListQuery {
  const out: ListQuery = { limit: 50 };
  const status = query.get('status');
  if (status !== null) {
    if (!SandboxService.isStatus(status)) {
      throw invalidQuery('status', 'Use one of draft, pending, active, expired, cancelled.');
    }
    out.status = status;
  }
  const since = query.get('updatedSince');
  if (since !== null) {
    const date = new Date(since);
    if (Number.isNaN(date.getTime())) {
      throw invalidQuery('updatedSince', 'Use an ISO 8601 date-time like 2026-01-31T00:00:00Z.');
    }
    out.updatedSince = date;
  }
  const limit = query.get('limit');
  if (limit !== null) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 200) {
      throw invalidQuery('limit', 'Use a whole number from 1 to 200.');
    }
    out.limit = n;
  }
  const ref = query.get('clientReference');
  if (ref) out.clientReference = ref;
  const cursor = query.get('cursor');
  if (cursor) out.cursor = cursor;
  return out;
}

const rawDomainOf = (body: unknown): string | undefined => {
  const value = (body as { accountDomain?: unknown } | undefined)?.accountDomain;
  return typeof value === 'string' ? value : undefined;
};

/** The service's public routes: token, search, requests, review, submit. */
export function registerApiRoutes(
  router: Router,
  service: SandboxService,
  tokens: TokenIssuer,
): void {
  const caller = (ctx: RouteContext) => {
    const auth = ctx.headers.authorization;
    return tokens.verify(Array.isArray(auth) ? auth[0] : auth);
  };
  const writer = (ctx: RouteContext) => {
    const c = caller(ctx);
    requireWrite(c);
    return c;
  };

  router.on('POST', '/oauth/token', (ctx) => {
    const params = (ctx.body ?? {}) as Record<string, string | undefined>;
    const auth = ctx.headers.authorization;
    const basic = typeof auth === 'string' && auth.startsWith('Basic ') ? auth.slice(6) : undefined;
    try {
      return ok(tokens.issue(params, basic));
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return {
        status: error.status,
        contentType: 'application/json',
        body: { error: error.error, error_description: error.description },
        headers: error.status === 401 ? { 'www-authenticate': 'Basic realm="token"' } : {},
      };
    }
  });

  router.on('GET', '/accounts', (ctx) => {
    caller(ctx);
    const domain = ctx.query.get('domain') ?? undefined;
    const name = ctx.query.get('name') ?? undefined;
    if (!domain && !name) {
      throw invalidQuery('domain', 'Pass domain, name, or both to search existing accounts.');
    }
    return ok(service.searchAccounts(domain, name));
  });

  router.on('POST', '/account-requests', (ctx) => {
    const { clientId } = writer(ctx);
    const input = parseInput(accountRequestInput, ctx.body);
    const key = idempotencyKey(ctx, false);
    const create = () => ({
      status: 201,
      body: service.create(input, rawDomainOf(ctx.body) ?? input.accountDomain, clientId),
    });
    if (!key) return create();
    const result = service.idempotent(clientId, key, 'POST /account-requests', ctx.body, create);
    return replayable(result);
  });

  router.on('GET', '/account-requests', (ctx) => {
    caller(ctx);
    return ok(service.list(listQuery(ctx.query)));
  });

  router.on('GET', '/account-requests/:id', (ctx) => {
    caller(ctx);
    return ok(service.get(ctx.params.id ?? ''));
  });

  router.on('PATCH', '/account-requests/:id', (ctx) => {
    writer(ctx);
    const patch = parseInput(accountRequestPatch, ctx.body);
    return ok(service.patch(ctx.params.id ?? '', patch, rawDomainOf(ctx.body)));
  });

  router.on('GET', '/account-requests/:id/review', (ctx) => {
    caller(ctx);
    return ok(service.review(ctx.params.id ?? ''));
  });

  router.on('POST', '/account-requests/:id/submit', (ctx) => {
    const { clientId } = writer(ctx);
    const key = idempotencyKey(ctx, true) ?? '';
    const body = ctx.body as { reviewToken?: unknown } | undefined;
    if (typeof body?.reviewToken !== 'string' || body.reviewToken === '') {
      throw new Problem(422, 'validation-failed', 'Validation failed', 'reviewToken is missing.', [
        {
          field: 'reviewToken',
          code: 'required',
          message: 'Send {"reviewToken": "…"} from GET /account-requests/{id}/review.',
        },
      ]);
    }
    const id = ctx.params.id ?? '';
    const token = body.reviewToken;
    const result = service.idempotent(
      clientId,
      key,
      `POST /account-requests/${id}/submit`,
      { reviewToken: token },
      () => ({ status: 200, body: service.submit(id, token) }),
    );
    return replayable(result);
  });

  router.on('POST', '/account-requests/:id/cancel', (ctx) => {
    writer(ctx);
    return ok(service.cancel(ctx.params.id ?? ''));
  });
}
