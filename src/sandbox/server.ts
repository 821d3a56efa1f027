import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerApiRoutes } from './api-routes.js';
import { type SandboxClient, TokenIssuer } from './auth.js';
import { SandboxClock } from './clock.js';
import { registerControlRoutes } from './control-routes.js';
import { type Faults, FaultInjector } from './faults.js';
import { type Reply, Router, parseBody, problemReply, readBody, send } from './http.js';
import { SandboxMailer } from './mailer.js';
import { Problem } from './problem.js';
import { SandboxService } from './service.js';
import { SandboxState } from './state.js';

/** How to start a sandbox. Every field is optional. */
export interface SandboxOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
  /** The client id the default client uses. @default 'sandbox-client' */
  clientId?: string;
  /** The default client's secret. @default 'sandbox-secret' */
  clientSecret?: string;
  /** Extra clients, e.g. read-only ones. @default one read-only client `sandbox-readonly` */
  extraClients?: SandboxClient[];
  /** Lifetime of access tokens on the sandbox clock. @default 3600 */
  tokenTtlSeconds?: number;
  /** Faults in force from the start. @default none */
  faults?: Partial<Faults>;
  /** Persist state to this JSON file across restarts. @default in memory only */
  dataFile?: string;
  /** SMTP relay for mail to customers. @default none (kept in the outbox) */
  smtpUrl?: string;
  /** The requester's IMAP mailbox, `imap://user:pass@host:port/INBOX`. @default none */
  requesterImapUrl?: string;
  /** The requester's email address. @default 'requester@partner.example' */
  requesterEmail?: string;
  /** Sender of Cisco's mail. @default 'smart-acct-pending@cisco.com' */
  mailFrom?: string;
  /** Largest accepted request body. @default 65536 */
  bodyLimitBytes?: number;
}

/** A running sandbox. */
export interface Sandbox {
  /** Base URL of the API, e.g. `http://127.0.0.1:41234`. */
  baseUrl: string;
  /** OAuth2 token URL. */
  tokenUrl: string;
  /** Base URL of the control routes. */
  controlUrl: string;
  clientId: string;
  clientSecret: string;
  port: number;
  /** Stops listening, waits for mail in flight, closes open connections. */
  close(): Promise<void>;
}

const DEFAULTS = {
  host: '127.0.0.1',
  clientId: 'sandbox-client',
  clientSecret: 'sandbox-secret',
  tokenTtlSeconds: 3600,
  requesterEmail: 'requester@partner.example',
  mailFrom: 'smart-acct-pending@cisco.com',
  bodyLimitBytes: 64 * 1024,
} as const;

/** Starts the Smart Account service simulator and resolves once it listens. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const o = { ...DEFAULTS, ...options };
  const state = new SandboxState(o.dataFile);
  const clock = new SandboxClock();
  clock.offsetMs = state.clockOffsetMs;
  const faults = new FaultInjector(o.faults);
  const clients: SandboxClient[] = [
    { clientId: o.clientId, clientSecret: o.clientSecret, scopes: ['read', 'write'] },
    ...(o.extraClients ?? [
      { clientId: 'sandbox-readonly', clientSecret: 'readonly-secret', scopes: ['read'] },
    ]),
  ];
  const tokens = new TokenIssuer(clients, clock, o.tokenTtlSeconds);
  let baseUrl = '';
  const mailer = new SandboxMailer(state, clock, {
    ...(o.smtpUrl ? { smtpUrl: o.smtpUrl } : {}),
    ...(o.requesterImapUrl ? { requesterImapUrl: o.requesterImapUrl } : {}),
    requesterEmail: o.requesterEmail,
    from: o.mailFrom,
    publicUrl: () => baseUrl,
  });
  const service = new SandboxService(state, clock, mailer);
  const router = new Router();
  registerApiRoutes(router, service, tokens);
  registerControlRoutes(router, { service, state, clock, faults, mailer, tokens });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = `req-${randomUUID()}`;
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const method = req.method ?? 'GET';
    const isControl =
      url.pathname.startsWith('/_sandbox/') || url.pathname.startsWith('/activate/');
    let resetAfter = false;
    let slowMs = 0;
    let reply: Reply;
    try {
      if (!isControl) {
        const wait = faults.rateLimited();
        if (wait > 0) {
          const retryAfter = Math.max(1, Math.ceil(wait));
          throw new Problem(
            429,
            'rate-limited',
            'Too many requests',
            `Rate limit exceeded; retry after ${retryAfter} s.`,
            [],
            {},
            { 'retry-after': String(retryAfter) },
          );
        }
        const reset = faults.reset();
        if (reset === 'before') {
          req.socket.destroy();
          return;
        }
        resetAfter = reset === 'after';
        slowMs = faults.takeSlow();
        const delay = faults.delayMs();
        if (delay > 0) await sleep(delay);
        const injected = faults.error();
        if (injected !== null) {
          throw new Problem(
            injected,
            injected === 503 ? 'unavailable' : 'internal',
            injected === 503 ? 'Service unavailable' : 'Internal server error',
            'Injected fault: the service failed this call; retry it.',
          );
        }
      }
      const { handler, params } = router.match(method, url.pathname);
      const raw = await readBody(req, o.bodyLimitBytes);
      const body = parseBody(raw, req.headers['content-type'], url.pathname === '/oauth/token');
      if (!isControl) service.expireDue();
      reply = await handler({
        method,
        path: url.pathname,
        params,
        query: url.searchParams,
        headers: req.headers,
        body,
        rawBody: raw,
      });
    } catch (error) {
      if (error instanceof Problem) {
        reply = problemReply(error, requestId);
        if (error.status === 413) reply.headers = { ...reply.headers, connection: 'close' };
      } else if (req.destroyed || (error as NodeJS.ErrnoException).code === 'ECONNRESET') {
        // The client hung up mid-request (killed, timed out): nobody to answer.
        return;
      } else {
        console.error('sandbox: unexpected error', error);
        reply = problemReply(
          new Problem(500, 'internal', 'Internal server error', 'The sandbox failed unexpectedly.'),
          requestId,
        );
      }
    }
    // A slow response is handled first and answered late, as when a client times
    // out on a call the service did carry out.
    if (slowMs > 0) await sleep(slowMs);
    if (resetAfter) {
      req.socket.destroy();
      return;
    }
    send(res, reply, requestId);
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${o.host}:${port}`;

  return {
    baseUrl,
    tokenUrl: `${baseUrl}/oauth/token`,
    controlUrl: `${baseUrl}/_sandbox`,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      await mailer.close();
    },
  };
}
