// Public, JSON-stable result types of the corescope library. Every result
// object carries `schemaVersion`; fields are only ever added within a schema
// version, never renamed or removed. Addresses are "0x…" hex strings.
// Knows nothing of the CLI or of how the addon computes these.

/** SCHEMA_VERSION is the version of every result shape in this file. */
export const SCHEMA_VERSION = 1 as const;

/** Versioned is mixed into every result the library returns. */
export interface Versioned {
  schemaVersion: typeof SCHEMA_VERSION;
}

/** Address is a "0x…" lowercase hex string. */
export type Address = string;

/** Warning is a problem that did not stop the run (a clipped segment, an unreadable map). */
export interface Warning {
  code: string;
  message: string;
  count?: number;
}

/** ProgressEvent reports that `done` of `total` units of `phase` are complete (total 0 = unknown). */
export interface ProgressEvent {
  phase: string;
  done: number;
  total: number;
}

/** CallOptions apply to one call on a Core (they override the openCore defaults). */
export interface CallOptions {
  /** onProgress receives coalesced progress reports of long phases. */
  onProgress?: (event: ProgressEvent) => void;
  /** signal cancels the call; it then rejects with CorescopeError CANCELLED. */
  signal?: AbortSignal;
}

/** OpenOptions configure openCore. */
export interface OpenOptions extends CallOptions {
  /** executable is the node binary that dumped the core; found from the core if omitted. */
  executable?: string;
}

// ---- info ------------------------------------------------------------------

export interface SignalInfo {
  /** number is 0 when the core was taken from a live process (gcore). */
  number: number;
  name: string;
  code: number;
  /** address is the faulting address for SIGSEGV/SIGBUS/SIGILL/SIGFPE, else null. */
  address: Address | null;
  description: string;
}

export interface ExecutableInfo {
  /** path is the file corescope read. */
  path: string;
  /** corePath is the path the core names (NT_FILE / AT_EXECFN). */
  corePath: string;
  buildId: string;
  /** coreBuildId is the build-id recorded in the core ("" if absent). */
  coreBuildId: string;
  /** verified is true when the build-ids are equal. */
  verified: boolean;
  /** matchedBy says how the executable was matched ("build-id", ...). */
  matchedBy: string;
}

export interface ThreadInfo {
  id: number;
  name: string;
  /** crashed marks the thread that received the signal. */
  crashed: boolean;
  pc: Address;
  sp: Address;
}

export interface HeapSpaceInfo {
  /** name as v8.getHeapSpaceStatistics() spells it (old_space, new_space, ...). */
  name: string;
  pages: number;
  bytes: number;
}

export interface HeapInfo {
  /** layout names the V8 page-header layout recognised in the core. */
  layout: string;
  isolates: number;
  pages: number;
  bytes: number;
  spaces: HeapSpaceInfo[];
}

export interface CoreFileInfo {
  path: string;
  /** size is the apparent file size. */
  size: number;
  /** onDisk is the allocated size (cores are sparse). */
  onDisk: number;
  /** mapped is the sum of the segments' memory sizes. */
  mapped: number;
  /** dumped is the sum of the segments' file sizes. */
  dumped: number;
  segments: number;
  truncated: boolean;
  missingBytes: number;
}

/** InfoResult is what `core.info()` and `corescope info --json` return. */
export interface InfoResult extends Versioned {
  pid: number;
  ppid: number;
  arch: string;
  signal: SignalInfo;
  executable: ExecutableInfo;
  node: { version: string };
  v8: { version: string };
  commandLine: string[];
  environmentCount: number;
  threads: ThreadInfo[];
  /** heap is null when no V8 heap pages were found (a warning says why). */
  heap: HeapInfo | null;
  core: CoreFileInfo;
  metadata: { constants: number };
  warnings: Warning[];
}

/** EnvironmentResult is the crashed process's environment, as "KEY=value" strings. */
export interface EnvironmentResult extends Versioned {
  environment: string[];
  warnings: Warning[];
}

// ---- stack (issue 5) ---------------------------------------------------------

/** FrameKind labels a stack frame; JS frames' kinds start with "js". */
export type FrameKind =
  | 'js-interpreted'
  | 'js-baseline'
  | 'js-optimized'
  | 'builtin'
  | 'exit'
  | 'entry'
  | 'native'
  | 'stub';

/** ValuePreview is a tagged value and a short rendering of it. */
export interface ValuePreview {
  value: Address;
  preview: string;
}

export interface StackFrame {
  kind: FrameKind;
  /** function is the JS function name for JS frames, the native symbol otherwise (null when unknown). */
  function: string | null;
  /** script is the JS frame's Script name (a path, file:// URL or node:internal/...). */
  script: string | null;
  /** line and column are 1-based, as a JS stack trace prints them. */
  line: number | null;
  column: number | null;
  pc: Address;
  fp: Address;
  /** symbol is the native symbol with offset ("Builtins_InterpreterEntryTrampoline+0xdc"). */
  symbol?: string;
  /** module is the file the pc lies in (executable or shared library). */
  module?: string;
  /** moduleOffset is "libc.so.6+0x1234" when the module has no usable symbols. */
  moduleOffset?: string;
  /**
   * positionKind says how exact line/column are: "exact" (bytecode offset →
   * source position), "function-start" (optimized or baseline code, or no
   * source position table: where the function starts), "unknown".
   */
  positionKind?: 'exact' | 'function-start' | 'unknown';
  /** frameType is V8's frame type for marker frames ("ExitFrame", "EntryFrame", ...). */
  frameType?: string;
  bytecodeOffset?: number;
  functionAddress?: Address;
  /** unwoundBy says how the frame was found: from the registers, the frame-pointer chain, CFI or a stack scan. */
  unwoundBy: 'registers' | 'fp' | 'cfi' | 'scan';
  /** receiver, argc and args are present with `args: true` on JS frames. */
  receiver?: ValuePreview;
  argc?: number;
  args?: ValuePreview[];
}

export interface StackThread {
  id: number;
  name: string;
  /** crashed marks the thread that received the signal (listed first). */
  crashed: boolean;
  signal: number;
  /** stopReason says why the walk ended ("end of the frame chain", "depth limit", ...). */
  stopReason: string;
  frames: StackFrame[];
}

export interface StackOptions extends CallOptions {
  /** args adds the receiver and arguments of JS frames. */
  args?: boolean;
  /** threads: all threads (default) or only the crashed one. */
  threads?: 'all' | 'crashed';
  /** maxFrames limits frames per thread (default 256). */
  maxFrames?: number;
}

/** StackResult is what `core.stack()` and `corescope stack --json` return. */
export interface StackResult extends Versioned {
  threads: StackThread[];
  warnings: Warning[];
}

// ---- report (issue 5) --------------------------------------------------------

/** ThrownErrorInfo describes the thrown value (an Error or any other value) and its causes. */
export interface ThrownErrorInfo {
  /** type: "error" (a JSError), "object", "string", "number", "boolean", "undefined", "null", "symbol", "bigint", "function", "unknown". */
  type: string;
  address: Address;
  preview: string;
  constructor?: string;
  name?: string;
  message?: string;
  stack?: string;
  /** stackSource: "formatted" (V8's own string) or "call-sites" (rebuilt from V8's captured frames). */
  stackSource?: 'formatted' | 'call-sites';
  code?: string;
  cause?: ThrownErrorInfo;
  causeCycle?: boolean;
  causeTruncated?: boolean;
}

export interface ThrownInfo {
  found: boolean;
  value?: Address;
  /** foundBy says where the value was read. */
  foundBy?: string;
  /** confirmed: two independent sources (Runtime_Throw's argument, the JSMessageObject) agree. */
  confirmed?: boolean;
  messageObject?: Address;
  thrownAt?: { script: string; line: number; column: number };
  /** reason says, when nothing was thrown, how the core was made instead. */
  reason?: string;
}

export interface LibuvHandleInfo {
  address: Address;
  type: string;
  active: boolean;
  ref: boolean;
  closing: boolean;
  fd: number | null;
  owner?: { address: Address; constructor: string };
}

export interface LibuvInfo {
  available: boolean;
  reason?: string;
  loop?: Address;
  activeHandles?: number;
  activeRequests?: number;
  uptimeSeconds?: number | null;
  activeByType?: Record<string, number>;
  handles?: LibuvHandleInfo[];
  handlesTruncated?: boolean;
  addresses?: string;
}

export interface ReportOptions extends CallOptions {
  /** args adds receivers and arguments to the crashing thread's JS frames. */
  args?: boolean;
  /** causeDepth limits how deep the `cause` chain is followed (default 8). */
  causeDepth?: number;
}

/** CrashReport is what `core.report()` returns: the native half of `corescope report`. */
export interface CrashReport extends Versioned {
  /** crashKind: "uncaught-exception", "abort", "segfault", "signal", "live-dump". */
  crashKind: string;
  thrown: ThrownInfo;
  error: ThrownErrorInfo | null;
  /** thread is the crashing thread's stack. */
  thread: StackThread;
  libuv: LibuvInfo;
  warnings: Warning[];
}
