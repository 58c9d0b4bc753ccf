// The public library API: `import { openCore } from 'corescope'`.
// Re-exports src/api only; the CLI (src/cli) is not part of the library.

export { openCore } from './api/open-core.js';
export { Core, type CallArgs } from './api/core.js';
export { CorescopeError, ERRORS, exitCodeFor, isErrorCode, type ErrorCode, type ErrorInfo } from './api/errors.js';
export { parseAddress, formatAddress } from './api/address.js';
export * from './api/types.js';
