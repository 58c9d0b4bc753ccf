// The only importer of the compiled addon. Declares the N-API surface that
// native/binding/ implements: open a core into a handle, call named methods
// (native/api/methods.h) that return JSON text, close the handle.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Progress callback: phase name, units done, units total (0 = unknown). */
export type NativeProgress = (phase: string, done: number, total: number) => void;

/** Opaque handle of an opened core (a native Session). */
export type NativeHandle = { readonly __nativeHandle: unique symbol };

/**
 * Errors from the addon are plain Errors with a string `code`
 * (native/util/result.h ErrorCodeName, e.g. "NOT_A_CORE") and an optional `hint`.
 */
export interface NativeError extends Error {
  code: string;
  hint?: string;
}

export interface NativeBinding {
  /** open validates a core and its executable; resolves to a handle. */
  open(corePath: string, executable: string | undefined, onProgress?: NativeProgress): Promise<NativeHandle>;
  /** call runs a named method off the JS thread and resolves to its JSON text. */
  call(handle: NativeHandle, method: string, args: Record<string, string>, onProgress?: NativeProgress): Promise<string>;
  /** cancel asks the running call on this handle to stop (it rejects with CANCELLED). */
  cancel(handle: NativeHandle): void;
  /** close frees the handle; later calls reject with USAGE. */
  close(handle: NativeHandle): void;
  /** methods lists the registered method names. */
  methods(): string[];
}

const here = dirname(fileURLToPath(import.meta.url));
const root = [join(here, '..'), join(here, '..', '..')].find((d) => existsSync(join(d, 'package.json')))!;

function candidates(): string[] {
  const fromEnv = process.env.CORESCOPE_ADDON;
  const list = [
    join(root, 'build', 'Release', 'corescope.node'),
    join(root, 'build', 'Debug', 'corescope.node'),
  ];
  return fromEnv ? [fromEnv, ...list] : list;
}

let cached: NativeBinding | undefined;

/** loadNative loads the addon once; throws an Error with code ADDON_MISSING if it was not built. */
export function loadNative(): NativeBinding {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  for (const p of candidates()) {
    if (existsSync(p)) {
      cached = require(p) as NativeBinding;
      return cached;
    }
  }
  const err = new Error('the native addon is not built; run `npm install` (or `npm run build:native`)') as NativeError;
  err.code = 'INTERNAL';
  throw err;
}
