// Errors of the public API: CorescopeError and the one table that maps each
// error code to a process exit code (printed by `corescope --help` and the
// README). Native code reports only {code, message, hint}; this file owns the
// exit codes. Knows nothing of the CLI (../cli) or of the addon's loading.

/** ErrorInfo describes one error code: its exit code and when it happens. */
export interface ErrorInfo {
  readonly exitCode: number;
  readonly meaning: string;
}

/**
 * ERRORS is the code → exit-code table. Exit codes stay below 128 so they
 * never look like "killed by signal N" to a shell. One code per question a
 * script might ask ("was it my input, or the executable, or corescope?").
 */
export const ERRORS = {
  USAGE: { exitCode: 2, meaning: 'bad command line or bad argument' },
  FILE_NOT_FOUND: { exitCode: 3, meaning: 'the core file does not exist or cannot be read' },
  NOT_A_CORE: { exitCode: 4, meaning: 'not an ELF core file (a directory, empty, text, or an executable)' },
  NOT_A_NODE_CORE: { exitCode: 5, meaning: 'a core dumped by some other program than node' },
  EXE_MISMATCH: { exitCode: 6, meaning: 'the executable is not the one that dumped the core (build-id differs)' },
  NO_V8_METADATA: { exitCode: 7, meaning: 'the executable has no v8dbg_* symbols (stripped or not an official build)' },
  CORE_CORRUPT: { exitCode: 8, meaning: 'the core is truncated or damaged' },
  UNSUPPORTED_NODE: { exitCode: 9, meaning: 'the core was written by a Node.js version without a known heap layout' },
  BAD_ADDRESS: { exitCode: 10, meaning: 'the address is not a heap object' },
  BACKEND_UNAVAILABLE: { exitCode: 11, meaning: 'the native addon (or another backend) is not built or not installed' },
  EXE_NOT_FOUND: { exitCode: 12, meaning: 'the executable that dumped the core cannot be found; pass it with --executable' },
  NOT_FOUND: { exitCode: 13, meaning: 'a named thing (type, thread, ...) does not exist in the core' },
  CANCELLED: { exitCode: 14, meaning: 'cancelled by the caller (AbortSignal or Ctrl-C)' },
  BUSY: { exitCode: 15, meaning: 'a second call on one Core while another runs (library misuse)' },
  CAPTURE_FAILED: { exitCode: 16, meaning: 'corescope demo could not produce a core (ulimit, core_pattern, gdb)' },
  GROWTH_DETECTED: { exitCode: 17, meaning: 'corescope diff --fail-on-growth: a type grew by more than its limit' },
  NOT_A_NODE_PROCESS: { exitCode: 18, meaning: 'corescope capture: the pid is not a node process (no v8dbg_* symbols in its executable)' },
  INTERNAL: { exitCode: 70, meaning: 'a bug in corescope; rerun with --debug and report it' },
} as const satisfies Record<string, ErrorInfo>;

/** ErrorCode is one of the stable string codes in {@link ERRORS}. */
export type ErrorCode = keyof typeof ERRORS;

/** isErrorCode reports whether s is a known code. */
export function isErrorCode(s: unknown): s is ErrorCode {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, s);
}

/** exitCodeFor returns the exit code of a code; unknown codes are INTERNAL (70). */
export function exitCodeFor(code: string): number {
  return isErrorCode(code) ? ERRORS[code].exitCode : ERRORS.INTERNAL.exitCode;
}

/**
 * CorescopeError is the one error type the library throws. `code` is stable
 * (see {@link ERRORS}), `message` names the problem with its values, `hint`
 * names the fix.
 *
 * @example
 * try { await openCore('core.123') } catch (e) {
 *   if (e instanceof CorescopeError && e.code === 'EXE_MISMATCH') console.error(e.hint);
 * }
 */
export class CorescopeError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CorescopeError';
    this.code = code;
    this.exitCode = ERRORS[code].exitCode;
    if (options.hint) this.hint = options.hint;
  }

  /** toJSON gives the `{code, message, hint}` shape the CLI prints with --json. */
  toJSON(): { code: ErrorCode; message: string; hint?: string } {
    return this.hint ? { code: this.code, message: this.message, hint: this.hint } : { code: this.code, message: this.message };
  }
}

/**
 * callSite captures the caller's stack before an asynchronous native call,
 * so that an error from the addon points at the user's code (sharp's trick).
 */
export function callSite(): { stack?: string } {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, callSite);
  return holder;
}

/**
 * fromNative converts a rejection of the addon into a CorescopeError. A
 * CorescopeError passes through; a native Error keeps its code, message and
 * hint; an unknown code becomes INTERNAL. The stack is the captured call site.
 */
export function fromNative(err: unknown, site?: { stack?: string }): CorescopeError {
  if (err instanceof CorescopeError) return err;
  const e = err as { code?: unknown; message?: unknown; hint?: unknown } | undefined;
  const message = typeof e?.message === 'string' && e.message ? e.message : String(err);
  const hint = typeof e?.hint === 'string' && e.hint ? e.hint : undefined;
  const out = isErrorCode(e?.code)
    ? new CorescopeError(e.code, message, { hint, cause: err })
    : new CorescopeError('INTERNAL', `internal error: ${message}${e?.code ? ` (code ${String(e.code)})` : ''}`, {
        hint: 'this is a bug in corescope; rerun with --debug and report it',
        cause: err,
      });
  if (site?.stack) {
    const frames = site.stack.split('\n').slice(1).join('\n');
    out.stack = `${out.name} [${out.code}]: ${out.message}\n${frames}`;
  }
  return out;
}
