import { z } from 'zod';
import type { TokenIssuer } from './auth.js';
import type { SandboxClock } from './clock.js';
import { type FaultInjector, faultsSchema } from './faults.js';
import type { Router } from './http.js';
import type { SandboxMailer } from './mailer.js';
import type { SandboxService } from './service.js';
import { type SandboxState, publicAccount, publicRequest } from './state.js';
import { normalizeDomain, parseInput, toFieldErrors } from './validation.js';
import { Problem, validationFailed } from './problem.js';

const clockBody = z.union([
  z.strictObject({ advanceDays: z.number().min(0).max(3650) }),
  z.strictObject({ now: z.iso.datetime({ offset: true }) }),
]);

const accountBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  domain: z.string().min(1),
  status: z.enum(['active', 'pending']).default('active'),
});

/** Everything `/_sandbox/*` needs. */
export interface ControlDeps {
  service: SandboxService;
  state: SandboxState;
  clock: SandboxClock;
  faults: FaultInjector;
  mailer: SandboxMailer;
  tokens: TokenIssuer;
}

/**
 * Routes that exist only in the sandbox: play the customer, move time, inject faults,
 * seed accounts and read everything back. No auth: bind the sandbox to loopback.
 */
export function registerControlRoutes(router: Router, deps: ControlDeps): void {
  const { service, state, clock, faults, mailer } = deps;

  router.on('POST', '/_sandbox/account-requests/:id/activate', async (ctx) => {
    const body = service.activate(ctx.params.id ?? '');
    await mailer.flush();
    return { status: 200, body };
  });

  router.on('GET', '/_sandbox/clock', () => ({
    status: 200,
    body: { now: clock.now().toISOString() },
  }));

  router.on('POST', '/_sandbox/clock', async (ctx) => {
    const body = parseInput(clockBody, ctx.body);
    if ('advanceDays' in body) clock.advanceDays(body.advanceDays);
    else clock.set(new Date(body.now));
    state.clockOffsetMs = clock.offsetMs;
    state.save();
    service.expireDue();
    await mailer.flush();
    return { status: 200, body: { now: clock.now().toISOString() } };
  });

  router.on('GET', '/_sandbox/faults', () => ({ status: 200, body: faults.faults }));

  router.on('PUT', '/_sandbox/faults', (ctx) => {
    const result = faultsSchema.safeParse(ctx.body ?? {});
    if (!result.success) throw validationFailed(toFieldErrors(result.error));
    return { status: 200, body: faults.set(result.data) };
  });

  router.on('POST', '/_sandbox/accounts', (ctx) => {
    const body = parseInput(accountBody, ctx.body);
    const domain = normalizeDomain(body.domain);
    if (!domain) {
      throw validationFailed([
        {
          field: 'domain',
          code: 'invalid',
          message: 'domain must be a bare domain like example.com.',
        },
      ]);
    }
    return { status: 201, body: service.seedAccount(body.name, domain, body.status) };
  });

  router.on('GET', '/_sandbox/state', () => ({
    status: 200,
    body: {
      now: clock.now().toISOString(),
      requests: [...state.requests.values()].map((r) => ({
        ...publicRequest(r),
        submitCount: r.submitCount,
      })),
      accounts: [...state.accounts.values()].map(publicAccount),
      mail: state.mail,
      tokensIssued: deps.tokens.issued,
    },
  }));

  router.on('GET', '/_sandbox/mail', () => ({ status: 200, body: { items: state.mail } }));

  router.on('POST', '/_sandbox/mail/flush', async () => {
    await mailer.flush();
    return { status: 200, body: { items: state.mail } };
  });

  router.on('POST', '/_sandbox/reset', async () => {
    await mailer.flush();
    state.reset();
    clock.offsetMs = 0;
    faults.set({});
    deps.tokens.clear();
    return { status: 204 };
  });

  router.on('GET', '/activate/:id', (ctx) => {
    try {
      const r = service.activate(ctx.params.id ?? '');
      return {
        status: 200,
        contentType: 'text/html',
        body: `<!doctype html><title>Activated</title><p>Smart Account ${r.smartAccountId} is now active.</p>`,
      };
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      return { status: error.status, contentType: 'text/html', body: `<p>${error.code}</p>` };
    }
  });
}
