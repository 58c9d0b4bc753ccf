// Heap growth across cores (memlab's baseline → target → final idea, for any
// number of steps): given one type histogram per core, in the order the
// cores were taken, list each type's counts and sizes per core, the growth
// from the first to the last, and whether it grew at EVERY step — the
// signature of a leak rather than of noise. Also parses and checks
// `--fail-on-growth <type>=<n>` limits. Pure functions over plain data:
// knows nothing of cores, the addon or the CLI.

import { CorescopeError } from '../api/errors.js';

/** HistogramRow is one type of one core's heap histogram. */
export interface HistogramRow {
  name: string;
  count: number;
  /** size is the shallow bytes of all objects of the type. */
  size: number;
}

/** TypeGrowth is one type across all cores. */
export interface TypeGrowth {
  name: string;
  /** counts[i] is the number of objects in core i (0 when the type is absent). */
  counts: number[];
  /** sizes[i] is their shallow bytes in core i. */
  sizes: number[];
  /** delta is counts[last] − counts[first]. */
  delta: number;
  /** sizeDelta is sizes[last] − sizes[first]. */
  sizeDelta: number;
  /** growsEveryStep is true when the count rose at each step (needs 2+ cores). */
  growsEveryStep: boolean;
}

/** DiffResult is the --json output of `corescope diff` (without the per-core header). */
export interface HeapDiff {
  types: TypeGrowth[];
}

/**
 * diffHistograms lines the histograms up by type name. Rows of one name in
 * one histogram are summed (a histogram may split a name over maps). Types
 * are sorted by count growth, then size growth, then name, so the leak
 * candidates come first and the order is stable.
 */
export function diffHistograms(histograms: readonly (readonly HistogramRow[])[]): HeapDiff {
  const n = histograms.length;
  const byName = new Map<string, TypeGrowth>();
  histograms.forEach((rows, i) => {
    for (const r of rows) {
      let t = byName.get(r.name);
      if (!t) {
        t = { name: r.name, counts: new Array<number>(n).fill(0), sizes: new Array<number>(n).fill(0), delta: 0, sizeDelta: 0, growsEveryStep: false };
        byName.set(r.name, t);
      }
      t.counts[i]! += finite(r.count);
      t.sizes[i]! += finite(r.size);
    }
  });
  const types = [...byName.values()];
  for (const t of types) {
    t.delta = n ? t.counts[n - 1]! - t.counts[0]! : 0;
    t.sizeDelta = n ? t.sizes[n - 1]! - t.sizes[0]! : 0;
    t.growsEveryStep = n >= 2 && t.counts.every((c, i) => i === 0 || c > t.counts[i - 1]!);
  }
  types.sort((a, b) => b.delta - a.delta || b.sizeDelta - a.sizeDelta || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { types };
}

function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

/** GrowthLimit is one `--fail-on-growth <type>=<n>`: fail when the type's count grows by more than n. */
export interface GrowthLimit {
  name: string;
  max: number;
}

/**
 * parseGrowthLimit parses "<type>=<n>" (the type may itself contain "=",
 * the last one separates). Throws USAGE on anything else.
 */
export function parseGrowthLimit(text: string): GrowthLimit {
  const at = text.lastIndexOf('=');
  const name = at > 0 ? text.slice(0, at).trim() : '';
  const num = at > 0 ? text.slice(at + 1).trim() : '';
  if (!name || !/^\d+$/.test(num) || !Number.isSafeInteger(Number(num))) {
    throw new CorescopeError('USAGE', `--fail-on-growth wants <type>=<count>, e.g. LeakyEntry=100, not ${JSON.stringify(text)}`);
  }
  return { name, max: Number(num) };
}

/** GrowthViolation is a limit that was exceeded. */
export interface GrowthViolation {
  name: string;
  max: number;
  delta: number;
}

/** checkGrowth returns the limits exceeded by the diff (a type absent from all cores grew by 0). */
export function checkGrowth(diff: HeapDiff, limits: readonly GrowthLimit[]): GrowthViolation[] {
  const out: GrowthViolation[] = [];
  for (const l of limits) {
    const delta = diff.types.find((t) => t.name === l.name)?.delta ?? 0;
    if (delta > l.max) out.push({ name: l.name, max: l.max, delta });
  }
  return out;
}

/**
 * toHistogram reads an `objects` result into rows, tolerating the field
 * names a histogram may use (types/rows; count; size/bytes/shallowSize).
 */
export function toHistogram(result: unknown): HistogramRow[] {
  const res = (result ?? {}) as Record<string, unknown>;
  const list = (res.types ?? res.rows ?? res.histogram ?? []) as unknown;
  if (!Array.isArray(list)) return [];
  return list.map((r: Record<string, unknown>) => ({
    name: String(r.name ?? r.type ?? r.constructor ?? '?'),
    count: Number(r.count ?? r.objects ?? 0),
    size: Number(r.size ?? r.bytes ?? r.shallowSize ?? r.shallowBytes ?? 0),
  }));
}
