// Replays the fuzz seed corpus under plain g++ (scripts/fuzz-replay.mjs):
// the seeds are written by scripts/fuzz-corpus.mjs (synthetic ELF files
// and cores, and heap images cut from a core made now), each
// native/fuzz/*_fuzz.cc is linked with a plain main
// (native/fuzz/replay_main.cc) and run over its folder. Any crash, abort or
// timeout of a replay fails. libFuzzer itself (clang) is scripts/fuzz.sh.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { REPO } from '../support/repo.js';

describe('fuzz corpus replay', () => {
  it('runs every fuzz target over its generated seeds without a crash', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'fuzz-replay.mjs')], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 9 * 60_000,
    });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.status, out.slice(-4000)).toBe(0);
    const targets = readdirSync(join(REPO, 'native', 'fuzz'))
      .filter((f) => f.endsWith('_fuzz.cc'))
      .map((f) => f.replace(/_fuzz\.cc$/, ''));
    expect(targets).toEqual(expect.arrayContaining(['elf_file', 'core_file', 'metadata', 'heap']));
    for (const t of targets) {
      // The heap seeds need a core from this machine; fuzz-corpus says why it has none.
      if (t === 'heap' && /heap seeds skipped/.test(out)) continue;
      const m = new RegExp(`fuzz-replay: ${t}: replayed (\\d+) inputs`).exec(out);
      expect(m, `${t} did not replay:\n${out.slice(-2000)}`).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThan(0);
    }
  }, 10 * 60_000);
});
