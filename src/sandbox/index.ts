/**
 * The sandbox: a standalone simulator of the Smart Account service and its mail.
 * Never imported by the SDK.
 */
export { startSandbox } from './server.js';
export type { Sandbox, SandboxOptions } from './server.js';
export type { Faults } from './faults.js';
export type { SandboxClient } from './auth.js';
