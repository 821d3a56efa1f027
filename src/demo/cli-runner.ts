/**
 * Runs the smart-onboard command line as a child process, the way a user would, with
 * the demo's environment. Output is captured so the demo can show it indented.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** What one command did. */
export interface CliResult {
  /** Exit code (signals count as 128 + n). */
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** How to start the CLI: this Node with its loader flags and entry script. */
export interface CliRunner {
  run(args: string[]): Promise<CliResult>;
  /** Kills a command still running (on Ctrl-C). */
  abort(): void;
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/**
 * A runner for the CLI at `entry` (default: the script this process runs, so the
 * built `dist/cli/index.js` starts the built CLI and `tsx src/cli/index.ts` the source).
 */
export function cliRunner(options: {
  env: NodeJS.ProcessEnv;
  cwd: string;
  entry?: string;
}): CliRunner {
  const entry = options.entry ?? process.argv[1] ?? '';
  const running = new Set<ChildProcess>();
  return {
    run(args) {
      const started = Date.now();
      return new Promise<CliResult>((resolve, reject) => {
        const child = spawn(process.execPath, [...process.execArgv, entry, ...args], {
          cwd: options.cwd,
          env: options.env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        running.add(child);
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.once('error', (error) => {
          running.delete(child);
          reject(error);
        });
        child.once('close', (code, signal) => {
          running.delete(child);
          resolve({
            code: code ?? 128 + (signal ? (SIGNALS[signal] ?? 1) : 1),
            stdout,
            stderr,
            ms: Date.now() - started,
          });
        });
      });
    },
    abort() {
      for (const child of running) child.kill('SIGTERM');
    },
  };
}
