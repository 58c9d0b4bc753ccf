// Where the installed package lives (for package.json's version and the
// bundled demo/ app), from either src/cli (vitest) or dist/cli (compiled).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** packageRoot returns the directory holding corescope's package.json. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'corescope') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('corescope: cannot find package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** packageVersion returns package.json's version. */
export function packageVersion(): string {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;
}
