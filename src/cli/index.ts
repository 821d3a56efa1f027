#!/usr/bin/env node
import { Command } from 'commander';

const program = new Command()
  .name('smart-onboard')
  .description('Request Cisco Smart Accounts for many customers and follow each request.');

await program.parseAsync(process.argv);
