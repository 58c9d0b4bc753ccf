// Where the crash scenarios' frames are, read from their own source: each
// expected line:column is found by a marker comment and the token V8
// reports the position of (the `throw` for a top frame, the callee's name
// for a call site). Used by the stack and report e2e tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { StackFrame } from '../../src/api/types.js';
import { SCENARIOS } from './make-core.js';

export interface Site {
  function: string;
  file: string;
  line: number;
  column: number;
}

/** siteOf finds the 1-based line holding `marker` in a scenario file and the column of `token` on it. */
export function siteOf(fn: string, file: string, marker: string | RegExp, token: string): Site {
  const lines = readFileSync(join(SCENARIOS, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => (typeof marker === 'string' ? l.trimEnd().endsWith(`// ${marker}`) || (!marker.match(/^[A-Z-]+$/) && l.includes(marker)) : marker.test(l)));
  if (i < 0) throw new Error(`marker ${String(marker)} not found in ${file}`);
  const col = lines[i]!.indexOf(token);
  if (col < 0) throw new Error(`token ${token} not on line ${i + 1} of ${file}`);
  return { function: fn, file, line: i + 1, column: col + 1 };
}

/** CRASH_TIMER_SITES: the user frames of crash-timer.js, innermost first. */
export function crashTimerSites(): Site[] {
  return [
    siteOf('crashNow', 'crash-timer.js', 'THROW-SITE', 'throw'),
    siteOf('handleRequest', 'crash-timer.js', 'CALL-CRASHNOW', 'crashNow('),
    siteOf('dispatch', 'crash-timer.js', 'CALL-HANDLE', 'handleRequest('),
    siteOf('crashPoint', 'lib.js', /^\s*crash\(\);/, 'crash('),
    siteOf('timerCallback', 'crash-timer.js', 'CALL-CRASHPOINT', 'crashPoint('),
  ];
}

/** scriptIs: a Script name (path or file:// URL) names the scenario file. */
export function scriptIs(script: string | null, file: string): boolean {
  return !!script && (script.endsWith(`/scenarios/${file}`) || script === file);
}

export const jsFrames = (frames: StackFrame[]) => frames.filter((f) => f.kind.startsWith('js'));

