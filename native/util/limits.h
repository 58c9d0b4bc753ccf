// Limits for untrusted input. Every count read from a core or executable is
// checked against one of these before it sizes an allocation or a loop.
// One place, so the fuzzers and the corruption sweep know what to expect.
#pragma once

#include <cstdint>

namespace corescope::limits {

inline constexpr uint64_t kMaxProgramHeaders = 1u << 20;   // PT_LOAD etc. in a core
inline constexpr uint64_t kMaxSectionHeaders = 1u << 16;
inline constexpr uint64_t kMaxNotes = 1u << 20;
inline constexpr uint64_t kMaxNoteSize = 256u << 20;       // one note's descsz
inline constexpr uint64_t kMaxThreads = 1u << 16;
inline constexpr uint64_t kMaxFileEntries = 1u << 20;      // NT_FILE count
inline constexpr uint64_t kMaxSymbols = 1u << 24;
inline constexpr uint64_t kMaxSymbolNameLength = 4096;
inline constexpr uint64_t kMaxPathLength = 4096;
inline constexpr uint64_t kMaxStringLength = 1u << 30;     // V8 String::kMaxLength-ish
inline constexpr uint64_t kMaxStringPreview = 1u << 20;    // bytes decoded for display
inline constexpr uint64_t kMaxConsStringDepth = 1u << 16;  // iterative, but bounded
inline constexpr uint64_t kMaxArrayLengthFollowed = 1u << 28;
inline constexpr uint64_t kMaxTransitionHops = 1u << 16;   // Map back-pointer chain
inline constexpr uint64_t kMaxDescriptors = 1020;          // V8's kMaxNumberOfDescriptors
inline constexpr uint64_t kMaxStackFrames = 1u << 14;
inline constexpr uint64_t kMaxObjects = 1u << 31;          // 32-bit object indices

// --- Caps used by the heap, graph and stack layers (each bounds a count or
// size read from core memory before it sizes a loop or an allocation). The
// files that use them keep a local alias for readability.

// Memory and pages.
inline constexpr uint64_t kMaxBackingFiles = 1024;           // NT_FILE files mmapped as backing stores
inline constexpr uint64_t kMaxPageChunkSize = 1ull << 32;     // a V8 page header's size field
inline constexpr uint64_t kMaxPageProbes = 1ull << 24;        // 256 KiB-aligned header probes (4 TiB of dumped memory)
inline constexpr uint64_t kMaxVersionScanBytes = 64ull << 20; // node version search in .data/.bss
inline constexpr uint64_t kMaxSizeRuleCount = 1ull << 34;     // element count of a variable-size object

// Roots (graph/roots.cc): isolate handle blocks and lists.
inline constexpr uint64_t kMaxGlobalHandleBlocks = 1u << 16;  // 16 M global handles
inline constexpr uint64_t kMaxTracedHandleBlocks = 1u << 16;
inline constexpr uint64_t kMaxHandleScopeBlocks = 1u << 16;   // 64 M handle-scope slots
inline constexpr uint64_t kMaxEternalHandles = 1u << 24;
inline constexpr uint64_t kMaxSavedContexts = 1u << 20;
inline constexpr uint64_t kMaxMicrotaskQueues = 1u << 12;
inline constexpr uint64_t kMaxMicrotasks = 1u << 24;
inline constexpr uint64_t kMaxStartupObjectCache = 1u << 22;
inline constexpr uint64_t kMaxListHops = 1u << 16;            // linked lists in isolate structures
inline constexpr uint64_t kMaxCompilationCacheGenerations = 16;
inline constexpr uint64_t kMaxThreadStackBytes = 64ull << 20; // scanned per thread
inline constexpr uint64_t kMaxTryCatchHandlers = 1u << 14;

// Graph naming and export.
inline constexpr uint64_t kMaxNamedItems = 1u << 16;          // properties/elements read to name one edge
inline constexpr uint64_t kMaxPathSteps = 1u << 12;
inline constexpr uint64_t kMaxNamedOutDegree = 4096;          // snapshot export names edges of smaller objects

// Stacks, source positions, thrown values.
inline constexpr uint64_t kMaxArgc = 1u << 16;                // a JS frame's argument count
inline constexpr uint64_t kMaxCfiInstructions = 1u << 16;     // per FDE program
inline constexpr uint64_t kMaxCfiRememberDepth = 16;          // DW_CFA_remember_state nesting
inline constexpr uint64_t kMaxPositionTableBytes = 64u << 20;
inline constexpr uint64_t kMaxLineEnds = 1u << 24;
inline constexpr uint64_t kMaxSourceBytes = 256u << 20;
inline constexpr uint64_t kMaxSourceScan = 64ull << 20;       // closures: source searched for a position
inline constexpr uint64_t kMaxErrorStackChars = 64 * 1024;
inline constexpr uint64_t kMaxCallSites = 200;
inline constexpr uint64_t kMaxNameLookups = 16;               // prototype hops looking for `name`
inline constexpr uint64_t kMaxLibuvHandles = 100000;

// Process arguments and environment (api/info.cc).
inline constexpr uint64_t kMaxArgStrlen = 128 * 1024;         // the kernel's MAX_ARG_STRLEN
inline constexpr uint64_t kMaxArgs = 1u << 20;
inline constexpr uint64_t kMaxArgBytes = 64ull << 20;         // all strings together

}  // namespace corescope::limits
