import type { IncomingMessage, ServerResponse } from 'node:http';
import { Problem } from './problem.js';

/** What a route handler answers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Defaults to JSON; `text/html` for the activation page. */
  contentType?: string;
}

/** The parts of a request a handler needs. */
export interface RouteContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** The raw body text, for form-encoded token requests. */
  rawBody: string;
}

export type Handler = (ctx: RouteContext) => Reply | Promise<Reply>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

/** A small router: `/account-requests/:id/review` style patterns. */
export class Router {
  readonly #routes: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/:(\w+)/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    this.#routes.push({ method, pattern, names, handler });
    return this;
  }

  /** The handler and params for a request, or a 404/405 problem. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } {
    let pathMatched = false;
    for (const route of this.#routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { handler: route.handler, params };
    }
    if (pathMatched) {
      throw new Problem(
        405,
        'method-not-allowed',
        'Method not allowed',
        `${method} is not allowed on ${path}.`,
      );
    }
    throw new Problem(
      404,
      'route-not-found',
      'Not found',
      `There is no route ${method} ${path}; see openapi.yaml for the routes this service has.`,
    );
  }
}

/** Reads the body up to `limit` bytes; over the limit it throws a 413 problem. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const tooLarge = () =>
    new Problem(
      413,
      'body-too-large',
      'Payload too large',
      `The body is larger than ${limit} bytes; send less data per request.`,
    );
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw tooLarge();
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses the body by content type: JSON, or form-encoded where `allowForm`. */
export function parseBody(
  raw: string,
  contentType: string | undefined,
  allowForm: boolean,
): unknown {
  if (raw.trim() === '') return undefined;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (allowForm && type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new Problem(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      `Send the body as application/json (got ${type || 'no content type'}).`,
    );
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new Problem(
      400,
      'malformed-json',
      'Bad request',
      `The body is not valid JSON (${(error as Error).message}); check quotes and commas.`,
    );
  }
}

/** Writes a reply; problems get `application/problem+json`. */
export function send(res: ServerResponse, reply: Reply, requestId: string): void {
  const isProblem = reply.status >= 400 && reply.contentType === undefined;
  const contentType =
    reply.contentType ?? (isProblem ? 'application/problem+json' : 'application/json');
  const payload =
    reply.body === undefined
      ? ''
      : typeof reply.body === 'string'
        ? reply.body
        : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': `${contentType}; charset=utf-8`,
    'content-length': Buffer.byteLength(payload),
    'x-request-id': requestId,
    ...reply.headers,
  });
  res.end(payload);
}

/** The reply for a thrown problem. */
export function problemReply(problem: Problem, requestId: string): Reply {
  return {
    status: problem.status,
    body: problem.toJSON(requestId),
    headers: problem.headers,
  };
}
