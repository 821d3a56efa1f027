#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerDemoCommand } from './commands/demo.js';
import { registerReconcileCommand } from './commands/reconcile.js';
import { registerReportCommand } from './commands/report.js';
import { registerSandboxCommand } from './commands/sandbox.js';
import { registerStatusCommand } from './commands/status.js';
import { registerSubmitCommand } from './commands/submit.js';
import { registerValidateCommand } from './commands/validate.js';
import { registerWatchCommand } from './commands/watch.js';
import { registerTemplatesCommand } from './commands/templates.js';
import { EXIT } from './exit-codes.js';

const program = new Command()
  .name('smart-onboard')
  .description('Request Cisco Smart Accounts for many customers and follow each request.')
  .showHelpAfterError()
  .exitOverride();

registerValidateCommand(program);
registerSubmitCommand(program);
registerStatusCommand(program);
registerReconcileCommand(program);
registerWatchCommand(program);
registerSandboxCommand(program);
registerTemplatesCommand(program);
registerReportCommand(program);
registerDemoCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  // Help and version are not errors; every other parse failure is a usage error.
  const benign = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
  process.exitCode = benign.includes(error.code) ? EXIT.ok : EXIT.usage;
}
