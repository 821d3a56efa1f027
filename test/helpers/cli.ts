import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built CLI; `npm test` builds it first (the `pretest` script). */
export const cliPath = fileURLToPath(new URL('../../dist/cli/index.js', import.meta.url));

if (!existsSync(cliPath)) {
  throw new Error(`${cliPath} is missing: run "npm run build" (npm test does it for you).`);
}
