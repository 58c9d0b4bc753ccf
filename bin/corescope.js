#!/usr/bin/env node
// corescope's command-line entry: runs the compiled CLI (dist/cli/main.js,
// which `tsc` writes during `npm install`'s prepare step). All behaviour,
// output and exit codes live in src/cli/main.ts.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(entry)) {
  const { main } = await import(entry.href);
  await main(process.argv.slice(2));
} else {
  process.stderr.write('corescope: the TypeScript sources are not compiled (dist/cli/main.js is missing)\n');
  process.stderr.write('hint: run `npm install` (or `npm run build:ts`) in the corescope checkout\n');
  process.exitCode = 11; // BACKEND_UNAVAILABLE: the tool is not built
}
