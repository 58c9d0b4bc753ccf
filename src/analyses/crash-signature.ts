// Crash signatures: a stable hash that groups many cores of one bug. It is
// computed from what stays the same when the same bug crashes again with
// other data: the top JS frames' function names and script basenames (not
// addresses, lines or columns, which move with every deploy) and the thrown
// error's constructor name (not its message, which usually carries data).
// A crash without JS frames falls back to the top native symbols. Works on
// typed results only; knows nothing of cores or the addon.

import { createHash } from 'node:crypto';

import type { FrameKind } from '../api/types.js';

/** SIGNATURE_FRAMES is how many top frames a signature covers by default. */
export const SIGNATURE_FRAMES = 5;

/** SignatureFrame is the part of a stack frame a signature looks at. */
export interface SignatureFrame {
  kind: FrameKind | string;
  function: string | null;
  script: string | null;
  module?: string;
}

export interface SignatureInput {
  /** frames of the crashing thread, innermost first. */
  frames: SignatureFrame[];
  /** errorConstructor names the thrown value's constructor ("TypeError"), or its type for non-objects ("string"). */
  errorConstructor?: string | null;
  /** crashKind: "uncaught-exception", "abort", "segfault", ... */
  crashKind?: string;
}

export interface CrashSignature {
  /** signature: the first 16 hex digits of the SHA-256 of `parts`. */
  signature: string;
  /** parts are the lines hashed, in order: one for the error, one per frame. */
  parts: string[];
  /** basis says which frames were used: "js" or "native" (no JS frames on the stack). */
  basis: 'js' | 'native' | 'none';
}

/** scriptBasename reduces "/srv/app/lib/x.js" or "file:///srv/app/x.mjs" to its file name; "node:internal/timers" stays. */
export function scriptBasename(script: string | null | undefined): string {
  if (!script) return '';
  if (script.startsWith('node:')) return script;
  const clean = script.replace(/[?#].*$/, '');
  const slash = Math.max(clean.lastIndexOf('/'), clean.lastIndexOf('\\'));
  return slash >= 0 ? clean.slice(slash + 1) : clean;
}

/**
 * crashSignature computes the signature of one crash.
 *
 * @example
 * const sig = crashSignature({ frames: report.thread.frames, errorConstructor: report.error?.constructor });
 * console.log(sig.signature); // "3f9a0c1d2b4e5f60"
 */
export function crashSignature(input: SignatureInput, topN = SIGNATURE_FRAMES): CrashSignature {
  const js = input.frames.filter((f) => String(f.kind).startsWith('js'));
  let basis: CrashSignature['basis'] = 'js';
  let frameParts: string[];
  if (js.length) {
    frameParts = js.slice(0, topN).map((f) => `${f.function || '(anonymous)'} ${scriptBasename(f.script)}`);
  } else {
    // No JS on the stack (a native abort or fault): use the named native frames.
    const named = input.frames.filter((f) => f.kind === 'native' && f.function);
    basis = named.length ? 'native' : 'none';
    frameParts = named.slice(0, topN).map((f) => `${f.function} ${scriptBasename(f.module ?? '')}`);
  }
  const head = input.errorConstructor ? `error ${input.errorConstructor}` : `crash ${input.crashKind ?? 'unknown'}`;
  const parts = [head, ...frameParts];
  const signature = createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16);
  return { signature, parts, basis };
}

/** SignatureGroup is one signature and the crashes that share it. */
export interface SignatureGroup<T> {
  signature: string;
  count: number;
  items: T[];
}

/** groupBySignature groups items by their signature, largest group first (ties by signature). */
export function groupBySignature<T>(items: T[], signatureOf: (item: T) => string): SignatureGroup<T>[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const sig = signatureOf(item);
    const list = groups.get(sig);
    if (list) list.push(item);
    else groups.set(sig, [item]);
  }
  return [...groups.entries()]
    .map(([signature, list]) => ({ signature, count: list.length, items: list }))
    .sort((a, b) => b.count - a.count || a.signature.localeCompare(b.signature));
}
