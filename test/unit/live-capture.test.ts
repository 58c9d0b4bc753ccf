// src/capture/live-capture.ts without gdb: gdb's own failure messages map to
// one-line CAPTURE_FAILED errors naming the fix; series file names; /proc
// checks on this very process (node) and on a process that is not node.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

import { CorescopeError } from '../../src/api/errors.js';
import { checkLiveNode, explainGcoreFailure, processAlive, seriesPath } from '../../src/capture/live-capture.js';

describe('explainGcoreFailure', () => {
  it('names the ptrace fixes for gdb\'s "Operation not permitted"', () => {
    // What gdb 13 prints when ptrace is refused (yama scope, missing CAP_SYS_PTRACE).
    const e = explainGcoreFailure(1234, 'ptrace: Operation not permitted.\nYou can\'t do that without a process to debug.\nThe program is not being run.\ngcore: failed to create core.1234');
    expect(e).toBeInstanceOf(CorescopeError);
    expect(e.code).toBe('CAPTURE_FAILED');
    expect(e.message).toBe('gcore may not attach to pid 1234: ptrace is not permitted');
    expect(e.hint).toContain('--cap-add=SYS_PTRACE');
    expect(e.hint).toContain('kernel.yama.ptrace_scope');
  });

  it('keeps gdb\'s last line for other failures', () => {
    const e = explainGcoreFailure(7, 'some noise\ngcore: failed to create core.7\n');
    expect(e.message).toBe('gcore could not dump pid 7: gcore: failed to create core.7');
  });
});

describe('seriesPath', () => {
  it('uses the name itself for one capture and .1, .2 … for a series', () => {
    expect(seriesPath('core.9', 1, 1)).toBe('core.9');
    expect([1, 2, 3].map((i) => seriesPath('heap', i, 3))).toEqual(['heap.1', 'heap.2', 'heap.3']);
  });
});

describe('checkLiveNode', () => {
  it('accepts this node process and reports its executable', () => {
    const p = checkLiveNode(process.pid);
    expect(p.pid).toBe(process.pid);
    expect(p.executable).toBe(process.execPath);
  });

  it('rejects a process that is not node with NOT_A_NODE_PROCESS', async () => {
    const sleeper = spawn('sleep', ['30']);
    try {
      await new Promise((r) => setTimeout(r, 100)); // let exec finish
      expect(processAlive(sleeper.pid!)).toBe(true);
      expect(() => checkLiveNode(sleeper.pid!)).toThrowError(/which is not node/);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });
});
