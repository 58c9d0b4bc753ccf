// The corruption sweep: a real core of a small scenario (crash-value.js
// throwing a plain object: node's own heap, ~4.5 MiB) cut at 20 offsets and
// with random bytes flipped in its ELF header, program headers, notes, V8
// page headers and heap objects (1,000+ variants, fixed seed). Every variant
// goes through the public API, as the CLI commands do: openCore, then info,
// objects, stack, path (core.path) and inspect of the thrown object
// (its address taken from the pristine core), and report on every 4th
// variant. Each must end with a result or a CorescopeError with a documented
// code (not INTERNAL, exit code below 128): never a crash, never a hang, never
// another error. The CLI only maps these to exit codes (src/api/errors.ts).
//
// Opening parses the executable's ~180,000 symbols (~0.2 s), so most
// variants open the core with a copy of the same node whose .symtab keeps
// only what corescope looks up by name (scripts/fuzz-corpus.mjs
// reduceSymbols: same layout, build-id and .eh_frame); the truncations and
// every 20th flip use the real executable.
//
// The variants run in long-lived child processes (sweep-child.mjs), one per
// shard, because a crash of the in-process addon would kill the test worker;
// a child that dies or stops answering within kVariantTimeoutMs is recorded
// against the variant it was running, its core copy is restored and a new
// child goes on with the next variant. The variants are split into
// CORESCOPE_SWEEP_JOBS (default 2) shards, each with its own copy of the core.
// The counts are printed and written to $CORESCOPE_SWEEP_SUMMARY when set.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findPageChunks, readElf, reduceSymbols } from '../../scripts/fuzz-corpus.mjs';
import { openCore } from '../../src/index.js';
import { makeCore, REPO, type MadeCore } from '../support/make-core.js';
import { primaryVersion } from '../support/node-versions.js';
import { ERRORS, isErrorCode } from '../../src/api/errors.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SEED = 0x5eed_c0de;
const kTruncations = 20;
// Flipped-byte variants per region (1,050 in all).
const kFlips = { 'elf-header': 100, 'program-headers': 250, notes: 250, 'page-headers': 200, 'heap-objects': 250 };
// A variant (open + every operation) slower than this is a hang. Variants
// take well under a second; the bound leaves room for a loaded CI machine.
const kVariantTimeoutMs = 15_000;
// The whole sweep takes ~2-3 min on an idle 2-core machine; this bound only
// guards against a hang that the per-variant bound somehow misses.
const kSweepTimeoutMs = 12 * 60_000;
const kReportEvery = 4;
const kJobs = Math.max(1, Number(process.env.CORESCOPE_SWEEP_JOBS ?? 2));

type Exe = 'real' | 'reduced';
type Variant =
  | { kind: 'truncate'; region: string; at: number; exe: Exe }
  | { kind: 'flip'; region: string; bytes: Array<[number, number]>; exe: Exe };

interface Outcome {
  i: number;
  ops?: Record<string, string>;
  ms?: number;
  /** cpuMs is the child's CPU time (user + system) for the variant. */
  cpuMs?: number;
  crash?: string;
  hang?: boolean;
}

/** mulberry32: a small seeded PRNG, so the variants are the same every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Range = [number, number];  // [start, end) file offsets

/** regions returns the file ranges of the core's parts that the sweep corrupts. */
function regions(corePath: string): Record<string, Range[]> & { size: number; noteEnd: number } {
  const elf = readElf(corePath);
  try {
    const phnum = elf.segments.length;
    const note = elf.segments.find((s: { type: number }) => s.type === 4);
    const loads = elf.segments.filter((s: { type: number }) => s.type === 1);
    const chunks = findPageChunks(elf, loads) as Array<{ addr: number }>;
    // A chunk's bytes may span several PT_LOADs (code pages): map each part.
    const fileRanges = (start: number, end: number): Range[] =>
      loads
        .filter((l: { vaddr: number; filesz: number }) => l.filesz > 0 && l.vaddr < end && l.vaddr + l.filesz > start)
        .map((l: { vaddr: number; filesz: number; offset: number }) => {
          const s = Math.max(start, l.vaddr);
          const e = Math.min(end, l.vaddr + l.filesz);
          return [l.offset + (s - l.vaddr), l.offset + (e - l.vaddr)] as Range;
        });
    return {
      size: statSync(corePath).size,
      noteEnd: note.offset + note.filesz,
      'elf-header': [[0, 64]],
      'program-headers': [[64, 64 + 56 * phnum]],
      notes: [[note.offset, note.offset + note.filesz]],
      'page-headers': chunks.flatMap((c) => fileRanges(c.addr, c.addr + 0x200)),
      'heap-objects': chunks.flatMap((c) => fileRanges(c.addr + 0x200, c.addr + 256 * 1024)),
    };
  } finally {
    elf.close();
  }
}

/** makeVariants lists the truncations (descending) and then the byte flips. */
function makeVariants(r: ReturnType<typeof regions>): Variant[] {
  const rand = prng(SEED);
  const pick = (ranges: Range[]): number => {
    const total = ranges.reduce((n, [s, e]) => n + (e - s), 0);
    let k = Math.floor(rand() * total);
    for (const [s, e] of ranges) {
      if (k < e - s) return s + k;
      k -= e - s;
    }
    return ranges[0][0];
  };
  // Cuts inside the ELF header, the program headers, the notes, just after
  // them, and spread over the data up to one byte short of the end.
  const cuts = new Set<number>([0, 1, 17, 63, 64 + 56 + 3, r.noteEnd - 9, r.noteEnd - 1, r.noteEnd, r.size - 1]);
  cuts.add(pick(r.notes));
  for (let k = 1; cuts.size < kTruncations; k++) cuts.add(Math.floor((r.size * k) / 11));
  const variants: Variant[] = [...cuts]
    .sort((a, b) => b - a)
    .map((at) => ({ kind: 'truncate', region: at < 64 ? 'cut-elf-header' : at < r.noteEnd ? 'cut-headers-notes' : 'cut-data', at, exe: 'real' }));
  for (const [region, count] of Object.entries(kFlips)) {
    const ranges = r[region] as Range[];
    if (!ranges.length) throw new Error(`no ${region} found in the core`);
    for (let n = 0; n < count; n++) {
      const flips = 1 + Math.floor(rand() * 4);
      const bytes: Array<[number, number]> = [];
      for (let f = 0; f < flips; f++) bytes.push([pick(ranges), 1 + Math.floor(rand() * 255)]);
      variants.push({ kind: 'flip', region, bytes, exe: variants.length % 20 === 0 ? 'real' : 'reduced' });
    }
  }
  return variants;
}

/**
 * sweep runs variants [first, end) on `core` in child processes, restarting
 * after a crash or hang (`restore` copies the pristine core back).
 */
async function sweep(planPath: string, first: number, end: number, core: string, restore: () => void): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = first;
  while (next < end) {
    const child = spawn(process.execPath, [join(HERE, 'sweep-child.mjs'), planPath, String(next), String(end), core], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    let current = -1;
    let timer: NodeJS.Timeout | undefined;
    let hung = false;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
      }, kVariantTimeoutMs);
    };
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
      child.on('close', (code, signal) => res({ code, signal })),
    );
    arm();
    for await (const line of createInterface({ input: child.stdout })) {
      const msg = JSON.parse(line) as Outcome & { start?: boolean };
      arm();
      if (msg.start) {
        current = msg.i;
      } else {
        outcomes.push(msg);
        next = msg.i + 1;
      }
    }
    clearTimeout(timer);
    const { code, signal } = await exited;
    if (next >= end) {
      // Every variant answered; a child that then dies still failed (e.g. at exit).
      if (code !== 0) outcomes.push({ i: -1, crash: `after variant ${end - 1}: ${signal ?? `exit ${code}`}: ${stderr.trim().slice(-500)}` });
      break;
    }
    // The child died or hung inside variant `current` (or before its first).
    const i = current >= next ? current : next;
    outcomes.push(hung ? { i, hang: true } : { i, crash: `${signal ?? `exit ${code}`}: ${stderr.trim().split('\n').slice(-5).join(' | ')}` });
    next = i + 1;
    restore();
  }
  return outcomes;
}

/**
 * pickAddress returns the address of the thrown object in the pristine core
 * (the report finds it), for inspect and path; it must exist, or the sweep
 * would silently skip them.
 */
async function pickAddress(made: MadeCore): Promise<string> {
  const core = await openCore(made.corePath, { executable: made.exe });
  try {
    const r = (await core.report()) as unknown as { thrown?: { value?: string } };
    const address = r.thrown?.value;
    if (!address) throw new Error(`no thrown value in the pristine core: ${JSON.stringify(r.thrown)}`);
    return address;
  } finally {
    await core.close();
  }
}

describe('corruption sweep', () => {
  let made: MadeCore;
  let dir: string;

  beforeAll(async () => {
    made = await makeCore('crash-value', primaryVersion(), { args: ['object'] });
    dir = mkdtempSync(join(tmpdir(), 'corescope-sweep-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'ends every truncated or byte-flipped variant of a real core with a result or a documented error, never a crash or hang',
    async () => {
      const pristine = join(dir, 'core.pristine');
      copyFileSync(made.corePath, pristine);
      const variants = makeVariants(regions(pristine));
      expect(variants.length).toBeGreaterThanOrEqual(1000 + kTruncations);
      const reduced = join(dir, 'node-few-symbols');
      reduceSymbols(made.exe, reduced);
      const plan = {
        dist: join(REPO, 'dist', 'index.js'),
        pristine,
        executables: { real: made.exe, reduced },
        address: await pickAddress(made),
        reportEvery: kReportEvery,
        variants,
      };
      const planPath = join(dir, 'plan.json');
      writeFileSync(planPath, JSON.stringify(plan));

      const t0 = Date.now();
      const shards = Array.from({ length: kJobs }, (_, j) => {
        const first = Math.floor((variants.length * j) / kJobs);
        const end = Math.floor((variants.length * (j + 1)) / kJobs);
        const core = join(dir, `core.${j}`);
        copyFileSync(pristine, core);
        return sweep(planPath, first, end, core, () => copyFileSync(pristine, core));
      });
      const outcomes = (await Promise.all(shards)).flat();
      const seconds = (Date.now() - t0) / 1000;

      // Tally: per operation, results and error codes; per variant, whether
      // every operation gave a result, the open was refused, or some
      // operations ended with an error; crashes, hangs, times.
      const perOp: Record<string, Record<string, number>> = {};
      const unclean: string[] = [];
      let allResults = 0;
      let openRefused = 0;
      let someErrors = 0;
      let maxExitCode = 0;
      let maxMs = 0;
      let slowest = -1;
      let cpuMs = 0;
      for (const o of outcomes) {
        cpuMs += o.cpuMs ?? 0;
        if (o.ms !== undefined && o.ms > maxMs) {
          maxMs = o.ms;
          slowest = o.i;
        }
        if (!o.ops) continue;
        if (o.ops.open !== 'ok') openRefused++;
        else if (Object.values(o.ops).every((c) => c === 'ok')) allResults++;
        else someErrors++;
        for (const [op, c] of Object.entries(o.ops)) {
          const key = c.startsWith('UNCLEAN') ? 'UNCLEAN' : c;
          perOp[op] ??= {};
          perOp[op][key] = (perOp[op][key] ?? 0) + 1;
          if (c === 'ok') continue;
          if (!isErrorCode(c) || c === 'INTERNAL') unclean.push(`variant ${o.i} (${variants[o.i].region}) ${op}: ${c}`);
          else maxExitCode = Math.max(maxExitCode, ERRORS[c].exitCode);
        }
      }
      const crashes = outcomes.filter((o) => o.crash);
      const hangs = outcomes.filter((o) => o.hang);
      const regionsSeen: Record<string, number> = {};
      for (const v of variants) regionsSeen[v.region] = (regionsSeen[v.region] ?? 0) + 1;
      const summary = {
        core: `node ${made.nodeVersion} crash-value object, ${(statSync(pristine).size / 2 ** 20).toFixed(1)} MiB`,
        address: plan.address,
        seed: `0x${SEED.toString(16)}`,
        variants: variants.length,
        regions: regionsSeen,
        variantsWithAllResults: allResults,
        variantsOpenRefused: openRefused,
        variantsWithSomeErrors: someErrors,
        perOperation: Object.fromEntries(Object.entries(perOp).map(([op, m]) => [op, Object.fromEntries(Object.entries(m).sort())])),
        maxExitCode,
        crashes: crashes.length,
        timeouts: hangs.length,
        unclean: unclean.length,
        variantTimeoutMs: kVariantTimeoutMs,
        maxVariantMs: Math.round(maxMs),
        slowestVariant: slowest >= 0 ? { i: slowest, ...variants[slowest] } : undefined,
        seconds,
        // CPU time of the variants (the children, all shards): what the sweep
        // costs independent of how loaded the machine is.
        cpuSeconds: Math.round(cpuMs / 1000),
        jobs: kJobs,
      };
      console.log(`corruption sweep: ${JSON.stringify(summary, null, 2)}`);
      if (process.env.CORESCOPE_SWEEP_SUMMARY) writeFileSync(process.env.CORESCOPE_SWEEP_SUMMARY, JSON.stringify(summary, null, 2) + '\n');

      expect(crashes.map((c) => `variant ${c.i} (${JSON.stringify(variants[c.i] ?? null)}): ${c.crash}`)).toEqual([]);
      expect(hangs.map((h) => `variant ${h.i} (${JSON.stringify(variants[h.i])})`)).toEqual([]);
      expect(unclean.slice(0, 20)).toEqual([]);
      expect(outcomes.filter((o) => o.ops).length).toBe(variants.length - crashes.length - hangs.length);
      expect(maxExitCode).toBeLessThan(128);
      expect(maxMs).toBeLessThan(kVariantTimeoutMs);
      // The sweep reached every operation: some variants opened and ran them
      // all to a result (flips in unused bytes), some were refused at open.
      for (const op of ['info', 'objects', 'stack', 'path', 'inspect', 'report']) expect(perOp[op]?.ok ?? 0).toBeGreaterThan(0);
      expect(openRefused).toBeGreaterThan(0);
    },
    kSweepTimeoutMs,
  );
});
