// `corescope demo` end to end: crash the bundled app, dump, analyse, keep the core.
import { existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

import type { DemoResult } from '../../src/cli/commands/demo.js';
import type { InfoResult } from '../../src/api/types.js';
import { hasAddon, NO_ADDON, runCli } from '../support/cli.js';

describe.skipIf(!hasAddon)(`corescope demo ${hasAddon ? '' : NO_ADDON}`, () => {
  it('crashes the leaky app, keeps its core and reports info about it', async () => {
    const r = await runCli(['demo', '--json']);
    const result = JSON.parse(r.stdout) as DemoResult;
    try {
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(result.corePath)).toBe(true);
      const info = result.results.info as InfoResult;
      expect(info.node.version).toBe(process.version);
      expect(info.commandLine.some((a) => a.endsWith('demo/leaky-server.js'))).toBe(true);
      if (result.route === 'crash') expect(info.signal.name).toBe('SIGTRAP');
      else expect(info.signal.number).toBe(0);
      expect(result.errors).toEqual([]);
    } finally {
      if (result?.corePath) rmSync(dirname(result.corePath), { recursive: true, force: true });
    }
  });

  it('prints the route taken, the core path and the next commands', async () => {
    const r = await runCli(['demo', '--no-progress']);
    const core = /The core is kept at (\S+);/.exec(r.stdout)?.[1];
    try {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/app: tick 4\/4: 12000 RequestLog kept/);
      expect(r.stdout).toMatch(/died of SIGTRAP|Took the gcore route/);
      expect(r.stdout).toMatch(/\$ corescope info /);
      expect(r.stdout).toMatch(/npx corescope info \S+ -e \S+/);
      expect(core && existsSync(core)).toBe(true);
    } finally {
      if (core) rmSync(dirname(core), { recursive: true, force: true });
    }
  });
});
