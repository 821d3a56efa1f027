import cliProgress from 'cli-progress';
import pino from 'pino';

/** Shows how a run goes: a bar on a terminal, a line every few seconds otherwise. */
export interface Progress {
  tick(status: string): void;
  log(message: string, fields?: Record<string, unknown>): void;
  stop(): void;
}

/** pino with secrets redacted, for `--json`. */
export function jsonLogger() {
  return pino({
    base: { app: 'smart-onboard' },
    redact: {
      paths: [
        'clientSecret',
        'password',
        '*.clientSecret',
        '*.password',
        'authorization',
        '*.authorization',
      ],
      censor: '[redacted]',
    },
  });
}

export function createProgress(total: number, mode: { json: boolean; label: string }): Progress {
  const counts = new Map<string, number>();
  let done = 0;
  const started = Date.now();
  const summary = () => [...counts].map(([s, n]) => `${s} ${n}`).join(', ');

  if (mode.json) {
    const logger = jsonLogger();
    return {
      tick(status) {
        done += 1;
        counts.set(status, (counts.get(status) ?? 0) + 1);
      },
      log: (message, fields = {}) => logger.info(fields, message),
      stop: () =>
        logger.info({ done, total, counts: Object.fromEntries(counts) }, `${mode.label} finished`),
    };
  }
  if (process.stderr.isTTY && total > 0) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${mode.label} [{bar}] {value}/{total} | ETA {eta_formatted} | {counts}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { counts: '' });
    return {
      tick(status) {
        done += 1;
        counts.set(status, (counts.get(status) ?? 0) + 1);
        bar.update(done, { counts: summary() });
      },
      log: (message) => {
        bar.stop();
        process.stderr.write(`${message}\n`);
        bar.start(total, done, { counts: summary() });
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  let printed = -1;
  const line = () => {
    if (printed === done) return;
    printed = done;
    const elapsed = (Date.now() - started) / 1000;
    const rate = done / Math.max(elapsed, 0.001);
    const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    process.stderr.write(
      `${mode.label}: ${done}/${total} (${summary() || 'starting'}), ETA ${eta}s\n`,
    );
  };
  return {
    tick(status) {
      done += 1;
      counts.set(status, (counts.get(status) ?? 0) + 1);
      if (Date.now() - last >= 5000) {
        last = Date.now();
        line();
      }
    },
    log: (message) => process.stderr.write(`${message}\n`),
    stop: () => {
      if (total > 0) line();
    },
  };
}
