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

}  // namespace corescope::limits
