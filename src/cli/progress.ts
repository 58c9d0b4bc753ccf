// One-line progress on stderr for long native phases: a bar when the total
// is known, a spinner otherwise, redrawn at most ~12 times a second and
// erased before results are printed. Drawn only when stderr is a terminal
// and neither --json nor --no-progress was given. Knows nothing of commands.

import type { ProgressEvent } from '../api/types.js';
import type { CliStream } from './io.js';
import { formatCount } from './render/format.js';

/** ProgressReporter feeds progress events to the terminal line and erases it. */
export interface ProgressReporter {
  /** onProgress is undefined when progress is disabled, so no callback crosses into the addon. */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** stop erases the line (if one was drawn). Safe to call more than once. */
  stop(): void;
}

const SPINNER = ['|', '/', '-', '\\'];
const BAR_WIDTH = 20;
const MIN_INTERVAL_MS = 80;

/** progressEnabled states the rule: a TTY stderr, no --json, no --no-progress. */
export function progressEnabled(stderr: CliStream, opts: { json?: boolean; progress?: boolean }): boolean {
  return Boolean(stderr.isTTY) && !opts.json && opts.progress !== false;
}

/** createProgress returns a reporter drawing on `stream`, or a silent one when disabled. */
export function createProgress(stream: CliStream, enabled: boolean, now: () => number = Date.now): ProgressReporter {
  if (!enabled) return { stop() {} };
  let drawn = false;
  let last = -Infinity;
  let tick = 0;
  return {
    onProgress(e: ProgressEvent) {
      const t = now();
      const finished = e.total > 0 && e.done >= e.total;
      if (t - last < MIN_INTERVAL_MS && !finished) return;
      last = t;
      const line = progressLine(e, tick++);
      const width = (stream.columns && stream.columns >= 20 ? stream.columns : 80) - 1;
      stream.write(`\r\x1b[K${line.length > width ? line.slice(0, width) : line}`);
      drawn = true;
    },
    stop() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/** progressLine renders one event: "[#####.....]  45% walking heap 4,500/10,000" or "/ reading notes 12". */
export function progressLine(e: ProgressEvent, tick = 0): string {
  if (e.total > 0) {
    const frac = Math.min(1, Math.max(0, e.done / e.total));
    const fill = Math.round(frac * BAR_WIDTH);
    const pct = String(Math.floor(frac * 100)).padStart(3);
    return `[${'#'.repeat(fill)}${'.'.repeat(BAR_WIDTH - fill)}] ${pct}% ${e.phase} ${formatCount(e.done)}/${formatCount(e.total)}`;
  }
  const spin = SPINNER[tick % SPINNER.length];
  return e.done > 0 ? `${spin} ${e.phase} ${formatCount(e.done)}` : `${spin} ${e.phase}`;
}
