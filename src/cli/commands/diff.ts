// `corescope diff <a> <b> [<c> ...]`: per-type object counts and shallow
// sizes in each core (the `objects` histogram), their growth from the first
// core to the last, and which types grew at every step — the leak
// candidates of an endurance series (`corescope capture --count`). Cores are
// opened one at a time (each with its own executable unless -e is given) so
// memory stays that of one core. `--fail-on-growth <type>=<n>` turns growth
// into exit code 17 (GROWTH_DETECTED) for CI. Knows src/api and
// src/analyses/diff.ts.

import { Command } from 'commander';

import type { Core } from '../../api/core.js';
import { CorescopeError } from '../../api/errors.js';
import { SCHEMA_VERSION, type Warning } from '../../api/types.js';
import { checkGrowth, diffHistograms, parseGrowthLimit, toHistogram, type GrowthViolation, type HistogramRow, type TypeGrowth } from '../../analyses/diff.js';
import { emit, globalOptions, printWarnings, withCore, type CliContext } from '../context.js';
import { formatBytes, formatCount } from '../render/format.js';
import { renderTable } from '../render/table.js';

export interface DiffCliOptions {
  failOnGrowth: string[];
  top: string;
}

/** DiffCore describes one core of the diff. */
export interface DiffCore {
  path: string;
  pid?: number;
  nodeVersion?: string;
  objects: number;
  bytes: number;
}

/** DiffResult is the --json output of `corescope diff`. */
export interface DiffResult {
  schemaVersion: number;
  cores: DiffCore[];
  types: TypeGrowth[];
  violations: GrowthViolation[];
  warnings: Warning[];
}

/** GrowthDetected carries the whole diff in its --json error document. */
class GrowthDetected extends CorescopeError {
  readonly result: DiffResult;
  constructor(result: DiffResult) {
    const v = result.violations.map((x) => `${x.name} grew by ${formatCount(x.delta)} (limit ${formatCount(x.max)})`).join(', ');
    super('GROWTH_DETECTED', `heap growth over the limit: ${v}`, {
      hint: 'the types that grew at every step are marked in `corescope diff` output; `corescope instances <type>` lists them',
    });
    this.result = result;
  }
  override toJSON(): ReturnType<CorescopeError['toJSON']> & { result: DiffResult } {
    return { ...super.toJSON(), result: this.result };
  }
}

/** command builds `corescope diff <cores...>`. */
export function command(ctx: CliContext): Command {
  return new Command('diff')
    .description('compare the heaps of two or more cores (e.g. captures of one process over time): per-type counts, sizes and growth')
    .argument('<cores...>', 'two or more core files, oldest first')
    .option('--fail-on-growth <type=n>', 'exit with 17 (GROWTH_DETECTED) when the type\'s count grew by more than n (repeatable)', collectRepeat, [])
    .option('--top <n>', 'rows to print (all with --json)', '25')
    .action(async (cores: string[], opts: DiffCliOptions, cmd: Command) => {
      const limits = opts.failOnGrowth.map(parseGrowthLimit);
      const top = Number(opts.top);
      if (!Number.isSafeInteger(top) || top < 1) throw new CorescopeError('USAGE', `--top must be a positive integer, not ${JSON.stringify(opts.top)}`);
      if (cores.length < 2) throw new CorescopeError('USAGE', 'diff needs at least two cores', { hint: 'corescope diff core.1 core.2 [core.3 …]' });
      const histograms: HistogramRow[][] = [];
      const described: DiffCore[] = [];
      const warnings: Warning[] = [];
      for (const path of cores) {
        await withCore(ctx, cmd, path, async (core) => {
          const { rows, info, warnings: w } = await histogramOf(core);
          histograms.push(rows);
          described.push(info);
          warnings.push(...w.map((x) => ({ ...x, message: `${path}: ${x.message}` })));
        });
      }
      const data: DiffResult = {
        schemaVersion: SCHEMA_VERSION,
        cores: described,
        ...diffHistograms(histograms),
        violations: [],
        warnings,
      };
      data.violations = checkGrowth(data, limits);
      if (data.violations.length && globalOptions(cmd).json) {
        printWarnings(ctx, warnings);
        throw new GrowthDetected(data); // one JSON document: {"error": {…, "result": <the diff>}}
      }
      emit(ctx, cmd, data, (d) => render(d, top));
      if (data.violations.length) throw new GrowthDetected(data);
    });
}

function collectRepeat(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** histogramOf asks one core for its type histogram (Core.objects, when this build has it). */
export async function histogramOf(core: Core): Promise<{ rows: HistogramRow[]; info: DiffCore; warnings: Warning[] }> {
  const objects = (core as unknown as { objects?: (o?: object) => Promise<unknown> }).objects;
  if (typeof objects !== 'function' || !core.supports('objects')) {
    throw new CorescopeError('BACKEND_UNAVAILABLE', 'this build of corescope has no heap histogram (the objects method), which diff needs', {
      hint: 'rebuild the addon (`npm run build:native`) from a version that has `corescope objects`',
    });
  }
  const res = (await objects.call(core, {})) as Record<string, unknown>;
  const rows = toHistogram(res);
  let pid: number | undefined;
  let nodeVersion: string | undefined;
  try {
    const info = await core.info();
    pid = info.pid;
    nodeVersion = info.node.version || undefined;
  } catch {
    // The histogram is what matters; the header is best effort.
  }
  return {
    rows,
    info: {
      path: core.file,
      ...(pid !== undefined ? { pid } : {}),
      ...(nodeVersion ? { nodeVersion } : {}),
      objects: rows.reduce((s, r) => s + r.count, 0),
      bytes: rows.reduce((s, r) => s + r.size, 0),
    },
    warnings: Array.isArray(res.warnings) ? (res.warnings as Warning[]) : [],
  };
}

/** render prints the cores and the types sorted by growth; "every step" marks the leak candidates. */
export function render(d: DiffResult, top = 25): string {
  const lines: string[] = [];
  d.cores.forEach((c, i) => {
    const who = [c.pid !== undefined ? `pid ${c.pid}` : '', c.nodeVersion ? `node ${c.nodeVersion}` : ''].filter(Boolean).join(', ');
    lines.push(`#${i + 1} ${c.path}${who ? ` (${who})` : ''}: ${formatCount(c.objects)} objects, ${formatBytes(c.bytes)}`);
  });
  lines.push('');
  const shown = d.types.filter((t) => t.delta !== 0 || t.sizeDelta !== 0).slice(0, top);
  if (!shown.length) {
    lines.push('no type changed its object count or size');
  } else {
    const cols = [
      { header: 'type' },
      ...d.cores.map((_, i) => ({ header: `#${i + 1}`, align: 'right' as const })),
      { header: 'Δ count', align: 'right' as const },
      { header: 'Δ size', align: 'right' as const },
      { header: 'grows' },
    ];
    const rows = shown.map((t) => [
      t.name,
      ...t.counts.map(formatCount),
      signed(t.delta, formatCount),
      signed(t.sizeDelta, formatBytes),
      t.growsEveryStep ? 'every step' : '',
    ]);
    lines.push(...renderTable(cols, rows));
    const rest = d.types.filter((t) => t.delta !== 0 || t.sizeDelta !== 0).length - shown.length;
    if (rest > 0) lines.push(`… ${formatCount(rest)} more changed types (--top, or --json for all)`);
  }
  for (const v of d.violations) lines.push(`FAIL ${v.name}: grew by ${formatCount(v.delta)}, limit ${formatCount(v.max)}`);
  return lines.join('\n') + '\n';
}

function signed(n: number, fmt: (n: number) => string): string {
  return n > 0 ? `+${fmt(n)}` : n < 0 ? `-${fmt(-n)}` : '0';
}
