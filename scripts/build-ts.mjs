// Compiles the TypeScript (tsc: dist/, the library and its types), then
// bundles the CLI into one file, dist/cli/main.bundle.js, which
// bin/corescope.js runs. Resolving and loading ~45 ES modules (commander and
// dist/) took about as long as node's own startup; one file halves that, and
// every command pays it (a script triaging many cores pays it per core).
// Without esbuild (a production install) the bundle is skipped and the bin
// runs dist/cli/main.js, which behaves the same.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const bundle = join(root, 'dist', 'cli', 'main.bundle.js');

// A bundle older than the modules it was made from would run stale code.
rmSync(bundle, { force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
  cwd: root,
  stdio: 'inherit',
});

let esbuild;
try {
  esbuild = require('esbuild');
} catch {
  process.stderr.write('build-ts: esbuild is not installed; bin/corescope.js will run dist/cli/main.js\n');
  process.exit(0);
}
await esbuild.build({
  entryPoints: [join(root, 'dist', 'cli', 'main.js')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  // The addon stays a separate file, loaded at run time (src/native.ts).
  external: ['*.node'],
  // commander is CommonJS: give its require() calls one in an ES module.
  banner: {
    js: "import { createRequire as __corescopeCreateRequire } from 'node:module'; const require = __corescopeCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
