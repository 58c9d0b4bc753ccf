// `corescope demo`: crashes the bundled leaky app (demo/leaky-server.js) in a
// fresh temp dir, dumps its core (crash under ulimit, or gcore when
// core_pattern is a pipe), then runs every command that declares a `demo`
// (info now; objects/stack once they exist) on that core, keeps the core and
// prints the commands to explore it further. Knows src/api, src/capture and
// the other command modules through ctx.commands.

import { Command, Option } from 'commander';
import { mkdtempSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CorescopeError } from '../../api/errors.js';
import { openCore } from '../../api/open-core.js';
import type { Core } from '../../api/core.js';
import { captureCore, type Capture, type CaptureRoute } from '../../capture/capture-core.js';
import { globalOptions, oneLine, printWarnings, progressFor, type CliContext } from '../context.js';
import { packageRoot } from '../paths.js';
import { formatBytes, shellQuote } from '../render/format.js';

export interface DemoOptions {
  route: CaptureRoute | 'auto';
}

/** DemoResult is the --json output of `corescope demo`. */
export interface DemoResult {
  schemaVersion: 1;
  corePath: string;
  executable: string;
  route: CaptureRoute;
  fallbackReason?: string;
  /** appOutput is what the leaky app printed (one string per line). */
  appOutput: string[];
  /** results maps each command run on the core to its collect() output. */
  results: Record<string, unknown>;
  errors: Array<{ command: string; code: string; message: string }>;
}

/** command builds `corescope demo`. */
export function command(ctx: CliContext): Command {
  return new Command('demo')
    .description('crash the bundled leaky app (demo/leaky-server.js), dump its core and analyse it (-e picks the node to run)')
    .addOption(new Option('--route <route>', 'how to make the core').choices(['auto', 'crash', 'gcore']).default('auto'))
    .action((opts: DemoOptions, cmd: Command) => runDemo(ctx, cmd, opts));
}

async function runDemo(ctx: CliContext, cmd: Command, opts: DemoOptions): Promise<void> {
  const g = globalOptions(cmd);
  const say = (s: string) => {
    if (!g.json) ctx.io.stdout.write(s + '\n');
  };
  const node = realpathSync(g.executable ?? process.execPath);
  const script = join(packageRoot(), 'demo', 'leaky-server.js');
  const dir = mkdtempSync(join(tmpdir(), 'corescope-demo-'));

  say(`Running ${shellQuote(script)} with ${node} in ${dir} ...`);
  const progress = progressFor(ctx, cmd);
  progress.onProgress?.({ phase: 'running the leaky app', done: 0, total: 0 });
  let capture: Capture;
  try {
    capture = await captureCore({ node, script, cwd: dir, route: opts.route, timeoutMs: 120_000 });
  } finally {
    progress.stop();
  }
  const appOutput = capture.stdout.trim().split('\n').filter(Boolean);
  for (const line of appOutput) say(`  app: ${line}`);
  say(describeCapture(capture));

  const result: DemoResult = {
    schemaVersion: 1,
    corePath: capture.corePath,
    executable: node,
    route: capture.route,
    ...(capture.fallbackReason ? { fallbackReason: capture.fallbackReason } : {}),
    appOutput,
    results: {},
    errors: [],
  };
  let firstError: CorescopeError | undefined;
  const openProgress = progressFor(ctx, cmd);
  let core: Core | undefined;
  try {
    core = await openCore(capture.corePath, { executable: node, onProgress: openProgress.onProgress, signal: ctx.signal });
    for (const mod of ctx.commands) {
      if (!mod.demo || !mod.collect || !mod.render) continue;
      try {
        const data = await mod.collect(core, mod.demo.options);
        openProgress.stop();
        result.results[mod.command(ctx).name()] = data;
        say(`\n$ ${mod.demo.title} ${shellQuote(capture.corePath)}\n`);
        if (!g.json) ctx.io.stdout.write(mod.render(data));
        printWarnings(ctx, (data as { warnings?: [] }).warnings);
      } catch (err) {
        openProgress.stop();
        if (!(err instanceof CorescopeError)) throw err;
        firstError ??= err;
        result.errors.push({ command: mod.demo.title, code: err.code, message: err.message });
        ctx.io.stderr.write(`corescope: ${mod.demo.title} failed: ${oneLine(err.message)}\n`);
      }
    }
  } finally {
    openProgress.stop();
    await core?.close();
  }

  if (g.json) ctx.io.stdout.write(JSON.stringify(result, null, 2) + '\n');
  say(nextSteps(ctx, capture.corePath, node, dir));
  if (firstError) throw firstError;
}

function describeCapture(c: Capture): string {
  const size = (() => {
    try {
      const st = statSync(c.corePath);
      return ` (${formatBytes(st.size)}, ${formatBytes(st.blocks * 512)} on disk)`;
    } catch {
      return '';
    }
  })();
  if (c.route === 'crash') {
    return `The app died of ${c.signal} (--abort-on-uncaught-exception); the kernel wrote ${c.corePath}${size}.`;
  }
  const why = c.fallbackReason ? ` because ${c.fallbackReason}` : '';
  return `Took the gcore route${why}: the app paused where it would crash and gcore dumped it to ${c.corePath}${size}.`;
}

function nextSteps(ctx: CliContext, corePath: string, node: string, dir: string): string {
  const base = `npx corescope`;
  const lines = ['', `The core is kept at ${corePath}; delete ${dir} when done.`, 'Explore it further:'];
  for (const mod of ctx.commands) {
    if (!mod.demo) continue;
    const name = mod.command(ctx).name();
    lines.push(`  ${base} ${name} ${shellQuote(corePath)} -e ${shellQuote(node)}`);
  }
  lines.push(`  ${base} info ${shellQuote(corePath)} -e ${shellQuote(node)} --json`);
  lines.push(`  ${base} --help`);
  return lines.join('\n');
}
