import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The smart-onboard package directory (where `fixtures/` and `templates/` live), found by
 * walking up from this module: the same from `src/` under tsx and from any `dist/` chunk.
 */
export function packageRoot(from: string = import.meta.url): string {
  let dir = dirname(from.startsWith('file:') ? fileURLToPath(from) : from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'smart-onboard') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`smart-onboard's package directory was not found above ${from}`);
    dir = parent;
  }
}
