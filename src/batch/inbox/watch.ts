/**
 * `smart-onboard watch`: IDLE on the mailbox and poll when new mail arrives, plus a
 * periodic sweep (IDLE can die silently), reconnecting with backoff, until the signal
 * aborts (the CLI wires SIGINT/SIGTERM to it).
 */
import type { ImapFlow } from 'imapflow';
import { backoffDelay, sleep } from './backoff.js';
import { connectClient, disconnect, unavailable } from './client.js';
import { serverOf } from './config.js';
import { type PollInboxOptions, pollInbox } from './poll.js';
import type { InboxLogger, PollSummary } from './types.js';

export interface WatchInboxOptions extends PollInboxOptions {
  /** A full incremental poll this often, whatever IDLE says. @default 300000 (5 min) */
  sweepIntervalMs?: number;
  /** IDLE is restarted this often (servers end it after ~30 min). @default 600000 */
  maxIdleMs?: number;
  /** Required: watching ends when it aborts. */
  signal: AbortSignal;
  /** After each successful poll. */
  onPoll?: (summary: PollSummary) => void;
  /** After each failed poll (watching goes on). */
  onError?: (error: unknown) => void;
}

/** What a watch did, when it stopped. */
export interface WatchSummary {
  polls: number;
  failedPolls: number;
  /** IDLE connections opened. */
  connections: number;
}

const silent: InboxLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Watches until `signal` aborts; resolves once every connection is closed and no poll runs. */
export async function watchInbox(options: WatchInboxOptions): Promise<WatchSummary> {
  const { config, signal } = options;
  const logger = options.logger ?? silent;
  const result: WatchSummary = { polls: 0, failedPolls: 0, connections: 0 };

  // Polls run one at a time; a trigger during a poll queues exactly one more.
  let running: Promise<void> | null = null;
  let again = false;
  const pollOnce = async (): Promise<void> => {
    try {
      const summary = await pollInbox({ ...options, logger, signal });
      result.polls++;
      options.onPoll?.(summary);
    } catch (error) {
      if (signal.aborted) return;
      result.failedPolls++;
      logger.error('inbox: poll failed', { error: (error as Error).message });
      options.onError?.(error);
    }
  };
  const trigger = (): void => {
    if (signal.aborted) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await pollOnce();
      } while (again && !signal.aborted);
    })().finally(() => {
      running = null;
    });
  };

  trigger();
  const sweep = setInterval(trigger, options.sweepIntervalMs ?? 300_000);
  let client: ImapFlow | undefined;
  const stop = () => client?.close();
  signal.addEventListener('abort', stop, { once: true });
  try {
    for (let failures = 0; !signal.aborted;) {
      try {
        client = await connectClient(config, logger, { maxIdleMs: options.maxIdleMs ?? 600_000 });
        result.connections++;
        const closed = new Promise<void>((resolve) => client?.once('close', () => resolve()));
        await client.mailboxOpen(config.mailbox);
        failures = 0;
        client.on('exists', (event: { count: number; prevCount: number }) => {
          if (event.count > event.prevCount) trigger();
        });
        if (signal.aborted) break;
        // After a reconnect, mail may have arrived while no IDLE was listening.
        if (result.connections > 1) trigger();
        void client.idle().catch(() => undefined);
        await closed;
        if (!signal.aborted) logger.warn('inbox: IDLE connection closed, reconnecting');
      } catch (error) {
        if (signal.aborted) break;
        failures++;
        const delay = backoffDelay(failures, config.reconnect);
        logger.warn('inbox: IDLE connection failed, reconnecting', {
          server: serverOf(config),
          delayMs: delay,
          error: unavailable(config, error, 'session').message,
        });
        client?.close();
        await sleep(delay, signal);
      }
    }
  } finally {
    clearInterval(sweep);
    signal.removeEventListener('abort', stop);
    if (client) await disconnect(client);
    while (running) await running;
  }
  return result;
}
