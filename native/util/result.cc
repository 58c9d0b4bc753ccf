#include "util/result.h"

namespace corescope {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUsage: return "USAGE";
    case ErrorCode::kFileNotFound: return "FILE_NOT_FOUND";
    case ErrorCode::kNotACore: return "NOT_A_CORE";
    case ErrorCode::kNotANodeCore: return "NOT_A_NODE_CORE";
    case ErrorCode::kExeNotFound: return "EXE_NOT_FOUND";
    case ErrorCode::kExeMismatch: return "EXE_MISMATCH";
    case ErrorCode::kNoV8Metadata: return "NO_V8_METADATA";
    case ErrorCode::kCoreCorrupt: return "CORE_CORRUPT";
    case ErrorCode::kUnsupportedNode: return "UNSUPPORTED_NODE";
    case ErrorCode::kBadAddress: return "BAD_ADDRESS";
    case ErrorCode::kNotFound: return "NOT_FOUND";
    case ErrorCode::kBusy: return "BUSY";
    case ErrorCode::kCancelled: return "CANCELLED";
    case ErrorCode::kInternal: return "INTERNAL";
  }
  return "INTERNAL";
}

}  // namespace corescope
