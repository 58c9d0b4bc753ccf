// `corescope demo` (what `npm run demo` runs) end to end: crash the bundled
// app, dump, analyse with info, the histogram and the stack, keep the core.
// Truth: the app's own output (how many RequestLog it kept), the node that
// ran it (process.version) and the demo source (the throw's line).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DemoResult } from '../../src/cli/commands/demo.js';
import type { InfoResult, ObjectsResult, StackResult } from '../../src/api/types.js';
import { hasAddon, NO_ADDON, runCli, spawnCli, type CliRun } from '../support/cli.js';
import { REPO } from '../support/repo.js';

const SCRIPT = join(REPO, 'demo', 'leaky-server.js');

/** lineOf returns the 1-based line of the demo source that contains `needle`. */
function lineOf(needle: string): number {
  const i = readFileSync(SCRIPT, 'utf8').split('\n').findIndex((l) => l.includes(needle));
  expect(i, needle).toBeGreaterThanOrEqual(0);
  return i + 1;
}

/** keptLogs is what the app printed last: "tick 4/4: 12000 RequestLog kept". */
function keptLogs(stdoutOrLines: string): number {
  const all = [...stdoutOrLines.matchAll(/tick (\d+)\/(\d+): (\d+) RequestLog kept/g)];
  expect(all.length).toBeGreaterThan(0);
  const last = all[all.length - 1]!;
  expect(last[1]).toBe(last[2]);
  return Number(last[3]);
}

describe.skipIf(!hasAddon)(`corescope demo ${hasAddon ? '' : NO_ADDON}`, () => {
  describe('--json', () => {
    let r: CliRun;
    let result: DemoResult;
    beforeAll(async () => {
      r = await spawnCli(['demo', '--json'], { timeoutMs: 180_000 });
      result = JSON.parse(r.stdout) as DemoResult;
    });
    afterAll(() => {
      if (result?.corePath) rmSync(dirname(result.corePath), { recursive: true, force: true });
    });

    it('crashes the leaky app and keeps its core, with no errors', () => {
      expect(r.signal).toBeNull();
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(result.corePath)).toBe(true);
      expect(result.errors).toEqual([]);
      expect(Object.keys(result.results)).toEqual(expect.arrayContaining(['info', 'objects', 'stack']));
    });

    it('reports info of the real crash core: the node that ran it, its command line, the signal', () => {
      const info = result.results.info as InfoResult;
      expect(info.node.version).toBe(process.version);
      expect(info.executable.verified).toBe(true);
      expect(info.commandLine).toContain(SCRIPT);
      if (result.route === 'crash') {
        expect(info.signal.name).toBe('SIGTRAP');
        expect(info.commandLine).toContain('--abort-on-uncaught-exception');
      } else {
        expect(info.signal.number).toBe(0);
      }
      expect(info.heap!.spaces.find((s) => s.name === 'old_space')!.bytes).toBeGreaterThan(0);
    });

    it('counts the leaked RequestLog objects in the histogram as many as the app kept', () => {
      const objects = result.results.objects as ObjectsResult;
      const kept = keptLogs(result.appOutput.join('\n'));
      const row = objects.types.find((t) => t.name === 'RequestLog');
      expect(row?.count).toBe(kept);
      expect(objects.types.find((t) => t.name === 'Date')?.count).toBeGreaterThanOrEqual(kept);
    });

    it('shows the crashing stack: checkMemoryBudget at the throw, called from shutdownCheck', (ctx) => {
      if (result.route !== 'crash') ctx.skip(); // on the gcore route the app is paused, not throwing
      const stack = result.results.stack as StackResult;
      const crashed = stack.threads.filter((t) => t.crashed);
      expect(crashed).toHaveLength(1);
      const js = crashed[0]!.frames.filter((f) => f.kind.startsWith('js'));
      expect(js[0]).toMatchObject({ function: 'checkMemoryBudget', line: lineOf("throw new Error('leaky-server: memory budget") });
      expect(js[0]!.script).toMatch(/demo\/leaky-server\.js$/);
      expect(js[1]).toMatchObject({ function: 'shutdownCheck', line: lineOf('    checkMemoryBudget();') });
    });
  });

  it('prints the app, the route, info, histogram and stack, and the next commands (human form)', async () => {
    const r = await runCli(['demo', '--no-progress']);
    const core = /The core is kept at (\S+);/.exec(r.stdout)?.[1];
    try {
      expect(r.code, r.stderr).toBe(0);
      const kept = keptLogs(r.stdout);
      expect(r.stdout).toMatch(/died of SIGTRAP|Took the gcore route/);
      expect(r.stdout).toMatch(/^\$ corescope info \S+/m);
      expect(r.stdout).toMatch(new RegExp(`^  node\\s+${process.version.replace(/\./g, '\\.')}$`, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^\\s*${kept.toLocaleString('en-US')}\\s+\\S+ \\S+\\s+RequestLog$`, 'm'));
      if (r.stdout.includes('died of SIGTRAP')) expect(r.stdout).toMatch(/checkMemoryBudget \(file:\/\/\S+leaky-server\.js:\d+:\d+\)/);
      expect(r.stdout).toMatch(/npx corescope info \S+ -e \S+/);
      expect(core && existsSync(core)).toBe(true);
    } finally {
      if (core) rmSync(dirname(core), { recursive: true, force: true });
    }
  });
});
