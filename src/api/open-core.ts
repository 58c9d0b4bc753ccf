// openCore: the library's single entry point. Checks what is cheap to check
// in TypeScript (missing file, directory, empty file, unreadable, missing
// executable) with the same error codes the addon uses, loads the addon
// through ../native.ts and opens the core into a Core. Knows nothing of the CLI.

import { constants as fsConstants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { withDecompressed } from '../input/compressed.js';
import { loadNative, type NativeBinding } from '../native.js';
import { Core, cancelled, progressForwarder } from './core.js';
import { CorescopeError, callSite, fromNative } from './errors.js';
import type { OpenOptions } from './types.js';

/**
 * openCore opens an ELF core dump of a Node.js process and the node
 * executable that dumped it (found from the core when `executable` is
 * omitted; verified by build-id). It rejects with a CorescopeError whose
 * `code` says what is wrong (FILE_NOT_FOUND, NOT_A_CORE, EXE_MISMATCH, ...).
 *
 * @example
 * import { openCore } from 'corescope';
 * const core = await openCore('./core', { executable: process.execPath });
 * const { signal, node } = await core.info();
 * await core.close();
 */
export async function openCore(path: string, options: OpenOptions = {}): Promise<Core> {
  const site = callSite();
  try {
    await checkCorePath(path);
    if (options.executable !== undefined) await checkExecutable(options.executable);
  } catch (err) {
    throw fromNative(err, site);
  }
  return withDecompressed(path, options, (at) => openCoreWith(loadBinding(), at, options, site)).catch((e) => Promise.reject(fromNative(e, site))); // .zst/.lz4/.xz cores
}

/** openCoreWith opens a core through a given binding (tests pass a fake one). @internal */
export async function openCoreWith(
  binding: NativeBinding,
  path: string,
  options: OpenOptions = {},
  site: { stack?: string } = callSite(),
): Promise<Core> {
  const { signal, onProgress, executable } = options;
  if (signal?.aborted) throw fromNative(cancelled(`opening ${path}`), site);
  let handle;
  try {
    handle = await binding.open(path, executable, progressForwarder(onProgress));
  } catch (err) {
    throw fromNative(err, site);
  }
  // open() cannot be interrupted; honour an abort that arrived meanwhile.
  if (signal?.aborted) {
    binding.close(handle);
    throw fromNative(cancelled(`opening ${path}`), site);
  }
  return new Core(binding, handle, path, { onProgress, signal });
}

/** loadBinding loads the addon, turning a missing or broken build into BACKEND_UNAVAILABLE. */
export function loadBinding(): NativeBinding {
  try {
    return loadNative();
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    throw new CorescopeError('BACKEND_UNAVAILABLE', `the native addon cannot be loaded: ${message}`, {
      hint: 'run `npm install` (needs python3, make and a C++17 compiler) or `npm run build:native`',
      cause: err,
    });
  }
}

/** checkCorePath rejects paths that cannot be a core: FILE_NOT_FOUND or NOT_A_CORE. */
export async function checkCorePath(path: string): Promise<void> {
  if (typeof path !== 'string' || path === '') {
    throw new CorescopeError('USAGE', 'no core file given', { hint: 'pass the path of a core dump, e.g. corescope info ./core' });
  }
  const st = await statOrThrow(path, 'FILE_NOT_FOUND', 'core file');
  if (st.isDirectory()) {
    const inside = await coreFilesIn(path);
    throw new CorescopeError('NOT_A_CORE', `${path} is a directory, not a core file`, {
      hint: inside.length ? `pass the core file itself, e.g. ${join(path, inside[0]!)}` : 'pass the core file itself, not its directory',
    });
  }
  if (!st.isFile()) {
    throw new CorescopeError('NOT_A_CORE', `${path} is not a regular file, so not a core file`, {
      hint: 'pass the core file itself (coredumpctl dump -o core.N to extract one from systemd-coredump)',
    });
  }
  if (st.size === 0) {
    throw new CorescopeError('NOT_A_CORE', `${path} is empty (0 bytes), not a core file`, {
      hint: 'the dump failed: set `ulimit -c unlimited` before starting node and check free disk space',
    });
  }
  await readableOrThrow(path, 'FILE_NOT_FOUND');
}

/** checkExecutable rejects an --executable that does not exist or is not a file: EXE_NOT_FOUND. */
export async function checkExecutable(path: string): Promise<void> {
  if (typeof path !== 'string' || path === '') {
    throw new CorescopeError('USAGE', 'empty executable path', { hint: 'pass the node binary with --executable <path>' });
  }
  const st = await statOrThrow(path, 'EXE_NOT_FOUND', 'executable');
  if (!st.isFile()) {
    throw new CorescopeError('EXE_NOT_FOUND', `executable ${path} is not a regular file`, {
      hint: 'pass the node binary that dumped the core with --executable <path>',
    });
  }
  await readableOrThrow(path, 'EXE_NOT_FOUND');
}

async function statOrThrow(path: string, code: 'FILE_NOT_FOUND' | 'EXE_NOT_FOUND', what: string) {
  try {
    return await stat(path);
  } catch (err) {
    throw ioError(err, path, code, what);
  }
}

async function readableOrThrow(path: string, code: 'FILE_NOT_FOUND' | 'EXE_NOT_FOUND'): Promise<void> {
  try {
    await access(path, fsConstants.R_OK);
  } catch (err) {
    throw ioError(err, path, code, code === 'EXE_NOT_FOUND' ? 'executable' : 'core file');
  }
}

function ioError(err: unknown, path: string, code: 'FILE_NOT_FOUND' | 'EXE_NOT_FOUND', what: string): CorescopeError {
  const errno = (err as NodeJS.ErrnoException)?.code;
  const exeHint = 'pass the node binary that dumped the core with --executable <path>; `corescope info <core>` names the path it had';
  if (errno === 'EACCES' || errno === 'EPERM') {
    return new CorescopeError(code, `cannot read ${what} ${path}: permission denied`, {
      hint: 'run as the file owner, or make it readable (chmod +r)',
      cause: err,
    });
  }
  if (errno === 'ENOENT' || errno === 'ENOTDIR') {
    return new CorescopeError(code, `cannot open ${what} ${path}: no such file`, {
      hint: code === 'EXE_NOT_FOUND' ? exeHint : 'check the path; see /proc/sys/kernel/core_pattern for where cores are written',
      cause: err,
    });
  }
  return new CorescopeError(code, `cannot open ${what} ${path}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

async function coreFilesIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => /^core(\.|$)/.test(n) || n.endsWith('.core')).sort();
  } catch {
    return [];
  }
}
