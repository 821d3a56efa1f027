import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's built-in `templates/` directory: walks up from this module until a
 * directory holding `templates/en` appears, so it is found from `src/batch/notify/`
 * (tsx, vitest) and from the bundled `dist/cli/index.js` alike.
 *
 * @throws Error when no such directory exists above `from` (a broken install).
 */
export function builtinTemplatesDir(from: string = import.meta.url): string {
  let dir = dirname(from.startsWith('file:') ? fileURLToPath(from) : from);
  for (;;) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(candidate, 'en'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `smart-onboard's built-in templates were not found above ${from} — reinstall the package`,
      );
    }
    dir = parent;
  }
}
