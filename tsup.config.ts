import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: the SDK subpath and the root entry, as ESM and CJS with types.
    entry: { index: 'src/index.ts', 'sdk/index': 'src/sdk/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'node20',
    splitting: false,
  },
  {
    // The command line: ESM only, with a shebang kept from the source. Split into chunks
    // so a command loads its heavy modules (IMAP, SMTP, the sandbox) only when it runs.
    entry: { 'cli/index': 'src/cli/index.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    splitting: true,
  },
]);
