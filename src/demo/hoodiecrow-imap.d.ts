/**
 * The parts of `hoodiecrow-imap` (a scriptable in-memory IMAP server, CommonJS, no
 * bundled types) that the demo uses.
 */
declare module 'hoodiecrow-imap' {
  import type { Server } from 'node:net';

  /** A folder in the server's in-memory storage. */
  interface HoodiecrowMailbox {
    uidvalidity?: number;
    messages?: { raw: string; flags?: string[]; internaldate?: string }[];
    separator?: string;
    folders?: Record<string, HoodiecrowMailbox>;
  }

  /** Options of the server factory. */
  interface HoodiecrowOptions {
    /** Capability plugins by name, e.g. `IDLE`, `UIDPLUS`, `MOVE`. */
    plugins?: string[];
    /** user name → password. The default is `testuser` / `testpass`. */
    users?: Record<string, { password: string }>;
    /** `INBOX` and the namespace root `''`. */
    storage?: Record<string, HoodiecrowMailbox>;
    /** Copies every session's traffic to stdout. */
    debug?: boolean;
  }

  /** A server; `listen` and `close` forward to the net.Server in `server`. */
  interface HoodiecrowServer {
    server: Server;
    listen(port: number, host: string, callback: () => void): void;
    close(callback?: () => void): void;
  }

  function hoodiecrow(options?: HoodiecrowOptions): HoodiecrowServer;
  export default hoodiecrow;
}
