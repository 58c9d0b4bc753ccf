#!/usr/bin/env node
// corescope's command-line entry: runs the compiled CLI, bundled into one
// file (dist/cli/main.bundle.js, see scripts/build-ts.mjs), else
// dist/cli/main.js; `npm install`'s prepare step writes both. A bundle older
// than main.js (dist/ recompiled by a bare `tsc`) would run stale code, so
// then the modules run. All behaviour, output and exit codes live in
// src/cli/main.ts.
import { existsSync, statSync } from 'node:fs';

const bundle = new URL('../dist/cli/main.bundle.js', import.meta.url);
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(entry)) {
  const current = existsSync(bundle) && statSync(bundle).mtimeMs >= statSync(entry).mtimeMs;
  const { main } = await import((current ? bundle : entry).href);
  await main(process.argv.slice(2));
} else {
  process.stderr.write('corescope: the TypeScript sources are not compiled (dist/cli/main.js is missing)\n');
  process.stderr.write('hint: run `npm install` (or `npm run build:ts`) in the corescope checkout\n');
  process.exitCode = 11; // BACKEND_UNAVAILABLE: the tool is not built
}
